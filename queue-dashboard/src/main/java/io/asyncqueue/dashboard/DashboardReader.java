package io.asyncqueue.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToLongFunction;

import io.lettuce.core.KeyValue;
import org.jspecify.annotations.Nullable;

import io.asyncqueue.core.FailedJob;
import io.asyncqueue.core.FlowLimits;
import io.asyncqueue.core.JobState;
import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.monitor.HistoryPoint;
import io.asyncqueue.core.monitor.InstanceInfo;
import io.asyncqueue.core.monitor.Instances;
import io.asyncqueue.core.monitor.JobInspector;
import io.asyncqueue.core.monitor.JobSnapshot;
import io.asyncqueue.core.monitor.QueueHistory;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.redis.RedisFailures;
import io.asyncqueue.core.schedule.ScheduleOperations;
import io.asyncqueue.core.schedule.ScheduleState;
import io.asyncqueue.core.scripts.QueueKeys;

/**
 * Everything the dashboard shows, read from Redis with a bounded number of commands: per queue, one counts
 * script, one {@code HMGET} of its switches and two {@code HGETALL}s of its history (plus 24 {@code HMGET}s
 * when the day is asked for). Commands of one read are sent together, after one {@code TIME} that dates them, and
 * awaited once: two round trips. A queue's page also
 * reads its limits (one script) and its schedules (one {@code SMEMBERS}, one {@code HGETALL} per schedule).
 *
 * @since 0.2.0
 */
public class DashboardReader {

	/** How many of the newest parked jobs a filtered list looks through. */
	public static final int FILTER_SCAN_LIMIT = 1000;

	private final RedisConnector redis;

	private final QueueOperations operations;

	private final QueueHistory history;

	private final Instances instances;

	private final JobInspector inspector;

	private final @Nullable ScheduleOperations schedules;

	/**
	 * A reader.
	 * @param redis the connector
	 * @param operations the queues' operations
	 * @param schedules the operations on recurring jobs, or {@code null} to show none
	 */
	public DashboardReader(RedisConnector redis, QueueOperations operations, @Nullable ScheduleOperations schedules) {
		this.redis = redis;
		this.operations = operations;
		this.schedules = schedules;
		this.history = new QueueHistory(redis, operations.queues());
		this.instances = new Instances(redis);
		this.inspector = new JobInspector(redis, operations.queues());
	}

	/** The names of the declared queues, in declaration order. */
	public List<String> queueNames() {
		return this.operations.queues().all().stream().map(QueueSettings::name).toList();
	}

	/**
	 * The settings of a declared queue.
	 * @param queue the name
	 * @return its settings
	 */
	public QueueSettings settings(String queue) {
		return this.operations.queues().get(queue);
	}

	/**
	 * Whether the queue is declared.
	 * @param queue the name
	 * @return whether the dashboard may show it
	 */
	public boolean isDeclared(String queue) {
		return queueNames().contains(queue);
	}

	/**
	 * The queues' counts and switches and their summed history.
	 * @param queues the queues
	 * @param withDay whether to read the last day too
	 * @return the snapshot
	 */
	public Snapshot snapshot(List<String> queues, boolean withDay) {
		long minute = RedisFailures.join(this.history.currentMinute());
		List<CompletableFuture<QueueRow>> rows = new ArrayList<>();
		List<CompletableFuture<List<HistoryPoint>>> hours = new ArrayList<>();
		List<CompletableFuture<List<HistoryPoint>>> days = new ArrayList<>();
		for (String queue : queues) {
			rows.add(row(queue));
			hours.add(this.history.lastHour(queue, minute));
			if (withDay) {
				days.add(this.history.lastDay(queue, minute));
			}
		}
		return new Snapshot(rows.stream().map(RedisFailures::join).toList(), sum(hours, 60),
				withDay ? sum(days, 24) : null);
	}

	private CompletableFuture<QueueRow> row(String queue) {
		CompletableFuture<QueueCounts> counts = this.operations.countsAsync(queue);
		CompletableFuture<List<KeyValue<String, String>>> switches = this.redis.commands()
			.hmget(QueueKeys.of(this.operations.queues().get(queue).channel()).control(), "paused", "push-closed")
			.toCompletableFuture();
		return counts.thenCombine(switches, (c, s) -> QueueRow.of(c, s.get(0).hasValue(), s.get(1).hasValue()));
	}

	private static List<Snapshot.Point> sum(List<CompletableFuture<List<HistoryPoint>>> series, int size) {
		List<Snapshot.Point> points = new ArrayList<>(size);
		List<List<HistoryPoint>> all = series.stream().map(RedisFailures::join).toList();
		if (all.isEmpty()) {
			return points;
		}
		for (int i = 0; i < size; i++) {
			int at = i;
			points.add(new Snapshot.Point(all.get(0).get(at).start().getEpochSecond(), total(all, at, HistoryPoint::processed),
					total(all, at, HistoryPoint::failed), total(all, at, HistoryPoint::retried)));
		}
		return points;
	}

	private static long total(List<List<HistoryPoint>> all, int at, ToLongFunction<HistoryPoint> count) {
		return all.stream().mapToLong((points) -> count.applyAsLong(points.get(at))).sum();
	}

	/**
	 * A page of the parked jobs of a queue, newest first, filtered by job name and error text when asked
	 * (looking through the newest {@link #FILTER_SCAN_LIMIT}).
	 * @param queue the queue
	 * @param state {@link JobState#FAILED} or {@link JobState#TIMEOUT}
	 * @param jobFilter text the job name contains, or empty
	 * @param errorFilter text the error contains, or empty
	 * @param page the page, from 0
	 * @param size jobs per page
	 * @return the page, with one more job than asked when there is a next page
	 */
	public List<FailedJob> parked(String queue, JobState state, String jobFilter, String errorFilter, int page,
			int size) {
		if (jobFilter.isEmpty() && errorFilter.isEmpty()) {
			return this.operations.parkedJobs(queue, state, page * size, size + 1);
		}
		List<FailedJob> matching = new ArrayList<>();
		for (int offset = 0; offset < FILTER_SCAN_LIMIT && matching.size() <= (page + 1) * size; offset += 200) {
			List<FailedJob> chunk = this.operations.parkedJobs(queue, state, offset, 200);
			chunk.stream().filter((job) -> matches(job, jobFilter, errorFilter)).forEach(matching::add);
			if (chunk.size() < 200) {
				break;
			}
		}
		return matching.subList(Math.min(page * size, matching.size()), Math.min((page + 1) * size + 1, matching.size()));
	}

	private static boolean matches(FailedJob job, String jobFilter, String errorFilter) {
		return contains(job.jobName(), jobFilter) && (contains(job.reason(), errorFilter)
				|| contains(job.exceptionClass(), errorFilter));
	}

	private static boolean contains(String text, String part) {
		return part.isEmpty() || (text != null && text.toLowerCase().contains(part.toLowerCase()));
	}

	/**
	 * One job.
	 * @param queue the queue
	 * @param id the job id
	 * @return the job, or {@code null} when the queue has none of that id
	 */
	public JobSnapshot job(String queue, String id) {
		return RedisFailures.join(this.inspector.find(queue, id));
	}

	/**
	 * A queue's flow-control limits and their use now.
	 * @param queue the queue
	 * @return its limits
	 */
	public FlowLimits limits(String queue) {
		return this.operations.limits(queue);
	}

	/**
	 * The recurring jobs registered on a queue by any instance, by name.
	 * @param queue the queue
	 * @return their states, empty when this application has no schedule operations
	 */
	public List<ScheduleState> schedules(String queue) {
		return (this.schedules != null) ? this.schedules.schedules(queue) : List.of();
	}

	/** The live instances. */
	public List<InstanceInfo> instances() {
		return RedisFailures.join(this.instances.live());
	}

}
