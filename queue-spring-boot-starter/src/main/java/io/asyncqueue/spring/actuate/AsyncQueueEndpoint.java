package io.asyncqueue.spring.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.asyncqueue.core.FailedJob;
import io.asyncqueue.core.FlowLimits;
import io.asyncqueue.core.JobDefinition;
import io.asyncqueue.core.JobState;
import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.RateLimit;
import io.asyncqueue.core.ReloadResult;
import io.asyncqueue.core.RetryBackoff;
import io.asyncqueue.core.schedule.ScheduleOperations;
import io.asyncqueue.core.schedule.ScheduleState;
import io.asyncqueue.spring.QueueContainer;
import io.asyncqueue.spring.QueueContainerRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.convert.DurationStyle;

/**
 * The {@code asyncqueue} actuator endpoint: what every queue holds and how it is set up, the newest
 * failed jobs of one queue and why they failed, and the operator's actions on a queue.
 *
 * <ul>
 * <li>{@code GET /actuator/asyncqueue}: every declared queue: job counts by state, paused, closed for
 * pushes, settings, and this instance's consumer with the settings each of its jobs runs with (a
 * {@code @QueueJob} may override the queue's attempts, handle timeout and backoff), and the recurring jobs
 * registered on each queue with their last and next ticks;</li>
 * <li>{@code GET /actuator/asyncqueue/{queue}?limit=20}: the same for one queue, with its newest jobs
 * parked in {@code failed} and {@code timeout} (id, job, attempts, reason, exception, when);</li>
 * <li>{@code POST /actuator/asyncqueue/{queue}} with a JSON body {@code {"action": ...}}: {@code reload}
 * ({@code "state": "failed"} or {@code "timeout"}, all or {@code "id"}), {@code retry} ({@code "id"}),
 * {@code delete} ({@code "id"}), {@code flush} ({@code "state"}), {@code pause}, {@code resume},
 * {@code close-pushes}, {@code open-pushes}; {@code set-limits} ({@code "globalConcurrency"},
 * {@code "rateLimitMax"}, {@code "rateLimitPeriod"}, {@code "groupConcurrency"}) and {@code clear-limits};
 * {@code pause-schedule}, {@code resume-schedule} and
 * {@code trigger-schedule} ({@code "id"}: the schedule's name).</li>
 * </ul>
 *
 * Its default access is read-only: the write operation is available only once the application sets
 * {@code management.endpoint.asyncqueue.access=unrestricted}, and like every endpoint but health it is
 * reachable over HTTP only when listed in {@code management.endpoints.web.exposure.include}.
 *
 * @since 0.1.0
 */
@Endpoint(id = "asyncqueue", defaultAccess = Access.READ_ONLY)
public class AsyncQueueEndpoint {

	/** How many parked jobs of each state one queue's read shows, unless asked. */
	public static final int DEFAULT_LIMIT = 20;

	/** The most parked jobs of each state one read shows. */
	public static final int MAX_LIMIT = 1000;

	private final QueueOperations operations;

	private final @Nullable QueueContainerRegistry containers;

	private @Nullable ScheduleOperations schedules;

	/**
	 * An endpoint over the given operations.
	 * @param operations the operations
	 * @param containers this application's consumers, or {@code null} when it consumes nothing
	 */
	public AsyncQueueEndpoint(QueueOperations operations, @Nullable QueueContainerRegistry containers) {
		this.operations = Objects.requireNonNull(operations, "operations");
		this.containers = containers;
	}

	/**
	 * Show the recurring jobs registered on the queues and take the schedule actions.
	 * @param schedules the operations on schedules, or {@code null} for none
	 */
	public void setScheduleOperations(@Nullable ScheduleOperations schedules) {
		this.schedules = schedules;
	}

	/**
	 * Every declared queue.
	 * @return the queues by name
	 */
	@ReadOperation
	public QueuesDescriptor queues() {
		Map<String, CompletableFuture<QueueCounts>> counts = new LinkedHashMap<>();
		for (QueueSettings queue : this.operations.queues().all()) {
			counts.put(queue.name(), this.operations.countsAsync(queue.name()));
		}
		Map<String, QueueDescriptor> queues = new LinkedHashMap<>();
		for (QueueSettings queue : this.operations.queues().all()) {
			QueueCounts queueCounts = join(counts.get(queue.name()));
			queues.put(queue.name(), new QueueDescriptor(JobCountsDescriptor.of(queueCounts),
					this.operations.isPaused(queue.name()), this.operations.arePushesClosed(queue.name()),
					consumer(queue.name()), SettingsDescriptor.of(queue),
					LimitsDescriptor.of(this.operations.limits(queue.name()))));
		}
		return new QueuesDescriptor(queues, schedules());
	}

	private Map<String, List<ScheduleDescriptor>> schedules() {
		Map<String, List<ScheduleDescriptor>> schedules = new LinkedHashMap<>();
		if (this.schedules != null) {
			for (QueueSettings queue : this.operations.queues().all()) {
				List<ScheduleState> states = this.schedules.schedules(queue.name());
				if (!states.isEmpty()) {
					schedules.put(queue.name(), states.stream().map(ScheduleDescriptor::of).toList());
				}
			}
		}
		return schedules;
	}

	/**
	 * One queue, with its newest parked jobs.
	 * @param queue the queue
	 * @param limit how many jobs of each parked state to show, at most {@value #MAX_LIMIT}; {@value #DEFAULT_LIMIT}
	 * when not given
	 * @return the queue, or {@code null} (404 over HTTP) when no queue has that name
	 */
	@ReadOperation
	public @Nullable QueueDetailsDescriptor queue(@Selector String queue, @Nullable Integer limit) {
		if (!this.operations.queues().contains(queue)) {
			return null;
		}
		int max = (limit != null) ? Math.max(0, Math.min(limit, MAX_LIMIT)) : DEFAULT_LIMIT;
		QueueSettings settings = this.operations.queues().get(queue);
		return new QueueDetailsDescriptor(JobCountsDescriptor.of(this.operations.counts(queue)),
				this.operations.isPaused(queue), this.operations.arePushesClosed(queue), consumer(queue),
				SettingsDescriptor.of(settings), parked(queue, JobState.FAILED, max),
				parked(queue, JobState.TIMEOUT, max), LimitsDescriptor.of(this.operations.limits(queue)));
	}

	/**
	 * Act on a queue.
	 * @param queue the queue
	 * @param action {@code reload}, {@code retry}, {@code delete}, {@code flush}, {@code pause},
	 * {@code resume}, {@code close-pushes}, {@code open-pushes}, {@code set-limits}, {@code clear-limits},
	 * {@code pause-schedule}, {@code resume-schedule} or {@code trigger-schedule}
	 * @param id the job, for {@code retry} and {@code delete}, optionally for {@code reload}; the schedule's
	 * name for the schedule actions
	 * @param state the state, for {@code flush} and for {@code reload} ({@code failed}, the default, or
	 * {@code timeout})
	 * @param globalConcurrency for {@code set-limits}, the most jobs running at once across every instance (0: no
	 * limit)
	 * @param rateLimitMax for {@code set-limits}, the most starts per {@code rateLimitPeriod} (0: no limit)
	 * @param rateLimitPeriod for {@code set-limits}, the rate limit's window, such as {@code 1s} (default 1s)
	 * @param groupConcurrency for {@code set-limits}, the most jobs of one group running at once across every
	 * instance (1 or more)
	 * @return what was done
	 */
	@WriteOperation
	public OperationResultDescriptor operate(@Selector String queue, String action, @Nullable String id,
			@Nullable String state, @Nullable Integer globalConcurrency, @Nullable Integer rateLimitMax,
			@Nullable String rateLimitPeriod, @Nullable Integer groupConcurrency) {
		if (!this.operations.queues().contains(queue)) {
			throw new InvalidEndpointRequestException("Unknown queue '" + queue + "'; declared queues are "
					+ this.operations.queues().all().stream().map(QueueSettings::name).toList(), "Unknown queue");
		}
		return switch (Action.of(action)) {
			case RELOAD -> {
				JobState source = (state != null) ? state(state) : JobState.FAILED;
				if (source != JobState.FAILED && source != JobState.TIMEOUT) {
					throw new InvalidEndpointRequestException(
							"Only failed and timeout jobs can be reloaded, not " + source.key(), "Invalid state");
				}
				ReloadResult reloaded = (id != null) ? this.operations.reload(queue, source, id)
						: this.operations.reloadAll(queue, source);
				yield OperationResultDescriptor.reloaded(queue, Action.RELOAD, source, id, reloaded);
			}
			case RETRY -> OperationResultDescriptor.reloaded(queue, Action.RETRY, null, id,
					this.operations.retry(queue, required(id, Action.RETRY)));
			case DELETE -> OperationResultDescriptor.jobs(queue, Action.DELETE, null, id,
					this.operations.delete(queue, required(id, Action.DELETE)) ? 1 : 0);
			case FLUSH -> {
				JobState flushed = state(required(state, "state", Action.FLUSH));
				yield OperationResultDescriptor.jobs(queue, Action.FLUSH, flushed, null,
						this.operations.flush(queue, flushed));
			}
			case PAUSE -> control(queue, Action.PAUSE, this.operations.pause(queue));
			case RESUME -> control(queue, Action.RESUME, this.operations.resume(queue));
			case CLOSE_PUSHES -> control(queue, Action.CLOSE_PUSHES, this.operations.closePushes(queue));
			case OPEN_PUSHES -> control(queue, Action.OPEN_PUSHES, this.operations.openPushes(queue));
			case SET_LIMITS -> OperationResultDescriptor.limits(queue, Action.SET_LIMITS,
					setLimits(queue, globalConcurrency, rateLimitMax, rateLimitPeriod, groupConcurrency));
			case CLEAR_LIMITS -> OperationResultDescriptor.limits(queue, Action.CLEAR_LIMITS,
					this.operations.clearLimits(queue));
			case PAUSE_SCHEDULE, RESUME_SCHEDULE, TRIGGER_SCHEDULE -> schedule(queue, Action.of(action), id);
		};
	}

	private OperationResultDescriptor schedule(String queue, Action action, @Nullable String name) {
		String schedule = required(name, action);
		if (this.schedules == null) {
			throw new InvalidEndpointRequestException("This application has no schedule operations", "No schedules");
		}
		if (this.schedules.schedule(queue, schedule) == null) {
			throw new InvalidEndpointRequestException("Unknown schedule '" + schedule + "' on queue '" + queue
					+ "'; its schedules are " + this.schedules.schedules(queue).stream().map(ScheduleState::name).toList(),
					"Unknown schedule");
		}
		boolean changed = switch (action) {
			case PAUSE_SCHEDULE -> this.schedules.pause(queue, schedule);
			case RESUME_SCHEDULE -> this.schedules.resume(queue, schedule);
			default -> this.schedules.trigger(queue, schedule);
		};
		return new OperationResultDescriptor(queue, action.value, null, schedule, null, changed,
				this.schedules.schedule(queue, schedule).paused(), null, null, null);
	}

	private FlowLimits setLimits(String queue, @Nullable Integer globalConcurrency, @Nullable Integer rateLimitMax,
			@Nullable String rateLimitPeriod, @Nullable Integer groupConcurrency) {
		if (globalConcurrency == null && rateLimitMax == null && groupConcurrency == null) {
			throw new InvalidEndpointRequestException("Action 'set-limits' needs \"globalConcurrency\", \"rateLimitMax\" "
					+ "(0 removes either) or \"groupConcurrency\" (1 or more)", "Missing limit");
		}
		try {
			Duration period = (rateLimitPeriod != null) ? DurationStyle.detectAndParse(rateLimitPeriod) : null;
			return this.operations.setLimits(queue, globalConcurrency, rateLimitMax, period, groupConcurrency);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), "Invalid limit");
		}
	}

	private OperationResultDescriptor control(String queue, Action action, boolean changed) {
		return new OperationResultDescriptor(queue, action.value, null, null, null, changed,
				this.operations.isPaused(queue), this.operations.arePushesClosed(queue), null, null);
	}

	private List<ParkedJobDescriptor> parked(String queue, JobState state, int limit) {
		if (limit == 0) {
			return List.of();
		}
		return this.operations.parkedJobs(queue, state, 0, limit).stream().map(ParkedJobDescriptor::of).toList();
	}

	private @Nullable ConsumerDescriptor consumer(String queue) {
		QueueContainer container = (this.containers != null) ? this.containers.getContainer(queue) : null;
		if (container == null) {
			return null;
		}
		Map<String, JobDescriptor> jobs = new LinkedHashMap<>();
		for (JobDefinition<?> job : container.getJobs()) {
			jobs.put(job.name(), JobDescriptor.of(job, container.getSettings()));
		}
		return new ConsumerDescriptor(container.isRunning(), container.getActiveJobs(), container.getPrefetch(), jobs);
	}

	private static JobState state(String state) {
		try {
			return JobState.of(state);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), "Invalid state");
		}
	}

	private static String required(@Nullable String id, Action action) {
		return required(id, "id", action);
	}

	private static String required(@Nullable String value, String name, Action action) {
		if (value == null || value.isBlank()) {
			throw new InvalidEndpointRequestException("Action '" + action.value + "' needs \"" + name + "\"",
					"Missing " + name);
		}
		return value;
	}

	private static <T> T join(@Nullable CompletableFuture<T> future) {
		return Objects.requireNonNull(future).join();
	}

	/**
	 * What the write operation does.
	 */
	enum Action {

		RELOAD("reload"), RETRY("retry"), DELETE("delete"), FLUSH("flush"), PAUSE("pause"), RESUME("resume"),
		CLOSE_PUSHES("close-pushes"), OPEN_PUSHES("open-pushes"), SET_LIMITS("set-limits"),
		CLEAR_LIMITS("clear-limits"), PAUSE_SCHEDULE("pause-schedule"), RESUME_SCHEDULE("resume-schedule"),
		TRIGGER_SCHEDULE("trigger-schedule");

		private final String value;

		Action(String value) {
			this.value = value;
		}

		static Action of(String value) {
			String normalized = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
			for (Action action : values()) {
				if (action.value.equals(normalized) || action.value.replace("-", "").equals(normalized)) {
					return action;
				}
			}
			throw new InvalidEndpointRequestException("Unknown action '" + value + "'; use one of "
					+ Arrays.stream(values()).map((action) -> action.value).collect(Collectors.joining(", ")),
					"Unknown action");
		}

	}

	/**
	 * Every declared queue, by name.
	 *
	 * @param queues the queues
	 * @param schedules the recurring jobs registered in Redis, by queue (absent when there are none)
	 */
	public record QueuesDescriptor(Map<String, QueueDescriptor> queues,
			@JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, List<ScheduleDescriptor>> schedules)
			implements OperationResponseBody {
	}

	/**
	 * One recurring job, as every instance sees it in Redis.
	 *
	 * @param name the schedule
	 * @param job the job it pushes
	 * @param spec when it fires, such as {@code cron 0 0 3 * * * Europe/Paris} or {@code every 30s}
	 * @param misfire {@code fire-once} or {@code skip}
	 * @param paused whether it is paused
	 * @param lastTick the last tick claimed, or {@code null} before the first
	 * @param nextTick the tick after it
	 * @param lastFired the tick of the last job pushed (or when a trigger-now pushed it)
	 * @param lastJobId the id of the last job pushed
	 * @param pushes jobs pushed for ticks
	 * @param missed ticks missed (skipped, or folded into one job)
	 * @param triggered jobs pushed by trigger-now
	 * @param triggerPending whether a trigger-now request waits for an instance
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record ScheduleDescriptor(String name, String job, String spec, String misfire, boolean paused,
			@Nullable Instant lastTick, @Nullable Instant nextTick, @Nullable Instant lastFired,
			@Nullable String lastJobId, long pushes, long missed, long triggered, boolean triggerPending) {

		static ScheduleDescriptor of(ScheduleState state) {
			return new ScheduleDescriptor(state.name(), state.jobName(), state.spec(), state.misfire(), state.paused(),
					state.lastTick(), state.nextTick(), state.lastFired(), state.lastJobId(), state.pushes(),
					state.missed(), state.triggered(), state.triggerPending());
		}

	}

	/**
	 * One queue.
	 *
	 * @param jobs the job counts by state
	 * @param paused whether consumption is paused, on every instance
	 * @param pushesClosed whether pushes are refused, on every instance
	 * @param consumer this instance's consumer of the queue, or {@code null} when it does not consume it
	 * @param settings the queue's settings
	 * @param limits the queue's cluster-wide limits and their use
	 */
	public record QueueDescriptor(JobCountsDescriptor jobs, boolean paused, boolean pushesClosed,
			@Nullable ConsumerDescriptor consumer, SettingsDescriptor settings, LimitsDescriptor limits) {
	}

	/**
	 * One queue, with its newest parked jobs.
	 *
	 * @param jobs the job counts by state
	 * @param paused whether consumption is paused, on every instance
	 * @param pushesClosed whether pushes are refused, on every instance
	 * @param consumer this instance's consumer of the queue, or {@code null} when it does not consume it
	 * @param settings the queue's settings
	 * @param failedJobs the newest jobs in {@code failed}, newest first
	 * @param timeoutJobs the newest jobs in {@code timeout}, newest first
	 * @param limits the queue's cluster-wide limits and their use
	 */
	public record QueueDetailsDescriptor(JobCountsDescriptor jobs, boolean paused, boolean pushesClosed,
			@Nullable ConsumerDescriptor consumer, SettingsDescriptor settings, List<ParkedJobDescriptor> failedJobs,
			List<ParkedJobDescriptor> timeoutJobs, LimitsDescriptor limits) implements OperationResponseBody {
	}

	/**
	 * A queue's cluster-wide limits, as every instance obeys them at its next fetch, and their use.
	 *
	 * @param running jobs reserved now across every instance (what the global concurrency counts)
	 * @param globalConcurrency the most jobs running at once across every instance, or {@code null} for no limit
	 * @param rateLimitMax the most job starts per {@code rateLimitPeriod}, or {@code null} for no limit
	 * @param rateLimitPeriod the rate limit's window, or {@code null}
	 * @param setAtRunTime which limits are stored in Redis (set from the endpoint or the CLI) rather than taken
	 * from this instance's configuration: {@code global-concurrency}, {@code rate-limit}, {@code group-concurrency}
	 * @param backoffLeft how long a handler's {@code rateLimited} still holds every start back, or {@code null}
	 * @param groupConcurrency the most jobs of one group running at once across every instance
	 * @param groupsRunning groups holding at least one of their slots (a running job, or a retry waiting out its
	 * delay)
	 * @param groupsHeldBack groups with jobs waiting that their running jobs hold back at {@code groupConcurrency}
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record LimitsDescriptor(long running, @Nullable Integer globalConcurrency, @Nullable Integer rateLimitMax,
			@Nullable String rateLimitPeriod, List<String> setAtRunTime, @Nullable String backoffLeft,
			int groupConcurrency, long groupsRunning, long groupsHeldBack) {

		static LimitsDescriptor of(FlowLimits limits) {
			List<String> stored = new ArrayList<>();
			if (limits.globalConcurrencySetAtRunTime()) {
				stored.add("global-concurrency");
			}
			if (limits.rateLimitSetAtRunTime()) {
				stored.add("rate-limit");
			}
			if (limits.groupConcurrencySetAtRunTime()) {
				stored.add("group-concurrency");
			}
			RateLimit rate = limits.rateLimit();
			return new LimitsDescriptor(limits.running(),
					(limits.globalConcurrency() > 0) ? limits.globalConcurrency() : null,
					(rate != null) ? rate.max() : null,
					(rate != null) ? SettingsDescriptor.duration(rate.period()) : null, stored,
					limits.backoffLeft().isZero() ? null : SettingsDescriptor.duration(limits.backoffLeft()),
					limits.groupConcurrency(), limits.groups().running(), limits.groups().heldBack());
		}

	}

	/**
	 * How many jobs a queue holds in each state, read in one atomic step.
	 *
	 * @param waiting ready to run
	 * @param delayed due later
	 * @param reserved running
	 * @param failed parked for good
	 * @param timeout parked after their lease expired
	 */
	public record JobCountsDescriptor(long waiting, long delayed, long reserved, long failed, long timeout) {

		static JobCountsDescriptor of(QueueCounts counts) {
			return new JobCountsDescriptor(counts.waiting(), counts.delayed(), counts.reserved(), counts.failed(),
					counts.timeout());
		}

	}

	/**
	 * This instance's consumer of a queue.
	 *
	 * @param running whether it is fetching
	 * @param activeJobs how many jobs it is running now
	 * @param prefetch how many jobs beyond its concurrency it may hold reserved now: the queue's {@code prefetch}
	 * when set, else what it adapted to (the settings' {@code prefetch} is then where it starts); since 0.7.0
	 * @param jobs the jobs it runs, by name, with the settings each runs with
	 */
	public record ConsumerDescriptor(boolean running, int activeJobs, int prefetch, Map<String, JobDescriptor> jobs) {
	}

	/**
	 * The settings one job runs with: the queue's, except where its {@code @QueueJob} overrides them.
	 *
	 * @param handler the handler's class
	 * @param maxAttempts most executions of the job, the first included
	 * @param handleTimeout longest execution, {@code 0ms} for no limit
	 * @param retryBackoff the wait before each retry
	 * @param overrides which of these the job sets itself, rather than taking the queue's
	 */
	public record JobDescriptor(String handler, int maxAttempts, String handleTimeout, String retryBackoff,
			List<String> overrides) {

		static JobDescriptor of(JobDefinition<?> job, QueueSettings queue) {
			List<String> overrides = new ArrayList<>(3);
			if (job.maxAttempts() != null) {
				overrides.add("maxAttempts");
			}
			if (job.handleTimeout() != null) {
				overrides.add("handleTimeout");
			}
			if (job.retryBackoff() != null) {
				overrides.add("retryBackoff");
			}
			return new JobDescriptor(AopProxyUtils.ultimateTargetClass(job.handler()).getName(),
					(job.maxAttempts() != null) ? job.maxAttempts() : queue.maxAttempts(),
					SettingsDescriptor.duration((job.handleTimeout() != null) ? job.handleTimeout() : queue.handleTimeout()),
					SettingsDescriptor.backoff((job.retryBackoff() != null) ? job.retryBackoff() : queue.retryBackoff()),
					List.copyOf(overrides));
		}

	}

	/**
	 * A queue's settings, durations written like properties ({@code 10s}).
	 *
	 * @param channel the Redis key prefix
	 * @param consumers fetch loops per instance
	 * @param concurrency most jobs running at once per instance
	 * @param maxAttempts most executions of a job, the first included
	 * @param handleTimeout longest execution, {@code 0ms} for no limit
	 * @param retryBackoff the wait before each retry
	 * @param blockingTimeout longest idle block
	 * @param fetchBatchSize most jobs one fetch reserves
	 * @param prefetch most jobs beyond concurrency reserved ahead while the queue has a backlog
	 * @param leaseDuration a running job's lease
	 * @param maxStalls lease expiries a job survives
	 * @param stalledJobAction {@code recover} or {@code park}
	 * @param shutdownTimeout how long a stopping consumer lets jobs finish
	 * @param maxPayloadSize largest serialized job, in bytes
	 * @param nonRetryableExceptions exception types that fail a job without retry
	 */
	public record SettingsDescriptor(String channel, int consumers, int concurrency, int maxAttempts,
			String handleTimeout, String retryBackoff, String blockingTimeout, int fetchBatchSize, int prefetch, String leaseDuration,
			int maxStalls, String stalledJobAction, String shutdownTimeout, int maxPayloadSize,
			List<String> nonRetryableExceptions) {

		static SettingsDescriptor of(QueueSettings settings) {
			return new SettingsDescriptor(settings.channel(), settings.consumers(), settings.concurrency(),
					settings.maxAttempts(), duration(settings.handleTimeout()), backoff(settings.retryBackoff()),
					duration(settings.blockingTimeout()), settings.fetchBatchSize(), settings.prefetch(),
					duration(settings.leaseDuration()),
					settings.maxStalls(), settings.stalledJobAction().name().toLowerCase(Locale.ROOT),
					duration(settings.shutdownTimeout()), settings.maxPayloadSize(),
					settings.nonRetryableExceptions().stream().map(Class::getName).sorted().toList());
		}

		static String backoff(RetryBackoff backoff) {
			if (backoff instanceof RetryBackoff.Fixed fixed) {
				return duration(fixed.delay());
			}
			if (backoff instanceof RetryBackoff.Schedule schedule) {
				return schedule.delays()
					.stream()
					.map(SettingsDescriptor::duration)
					.collect(Collectors.joining(", ", "[", "]"));
			}
			if (backoff instanceof RetryBackoff.Exponential exponential) {
				return "exponential(initial=" + duration(exponential.initial()) + ", multiplier="
						+ exponential.multiplier() + ", max=" + duration(exponential.max()) + ", jitter="
						+ exponential.jitter() + ")";
			}
			return backoff.toString();
		}

		static String duration(Duration duration) {
			long millis = duration.toMillis();
			if (millis == 0 || millis % 1000 != 0) {
				return millis + "ms";
			}
			long seconds = millis / 1000;
			if (seconds % 3600 == 0) {
				return (seconds / 3600) + "h";
			}
			return (seconds % 60 == 0) ? (seconds / 60) + "m" : seconds + "s";
		}

	}

	/**
	 * A job parked in {@code failed} or {@code timeout}.
	 *
	 * @param id the job's id
	 * @param job the job's logical name, or {@code null} when its envelope is unreadable
	 * @param attempts executions so far
	 * @param reason why it was parked
	 * @param exception the exception's class name, or {@code null}
	 * @param failedAt when it was parked, by Redis's clock
	 */
	public record ParkedJobDescriptor(String id, @Nullable String job, int attempts, @Nullable String reason,
			@Nullable String exception, Instant failedAt) {

		static ParkedJobDescriptor of(FailedJob job) {
			return new ParkedJobDescriptor(job.id(), job.jobName(), job.attempts(), job.reason(), job.exceptionClass(),
					job.failedAt());
		}

	}

	/**
	 * What a write operation did.
	 *
	 * @param queue the queue
	 * @param action the action
	 * @param state the state acted on, for {@code reload} and {@code flush}
	 * @param id the job acted on, when one was named
	 * @param jobs how many jobs were reloaded, retried, deleted or flushed
	 * @param changed for a switch, whether it changed (pausing a paused queue does not)
	 * @param paused whether the queue is now paused, for a switch
	 * @param pushesClosed whether the queue is now closed for pushes, for a switch
	 * @param notReloaded for a reload or retry, why jobs stayed parked (another job holds their unique id)
	 * @param limits for {@code set-limits} and {@code clear-limits}, the queue's limits now
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record OperationResultDescriptor(String queue, String action, @Nullable String state, @Nullable String id,
			@Nullable Long jobs, @Nullable Boolean changed, @Nullable Boolean paused,
			@Nullable Boolean pushesClosed, @Nullable List<String> notReloaded,
			@Nullable LimitsDescriptor limits) implements OperationResponseBody {

		static OperationResultDescriptor limits(String queue, Action action, FlowLimits limits) {
			return new OperationResultDescriptor(queue, action.value, null, null, null, null, null, null, null,
					LimitsDescriptor.of(limits));
		}

		static OperationResultDescriptor jobs(String queue, Action action, @Nullable JobState state,
				@Nullable String id, long jobs) {
			return new OperationResultDescriptor(queue, action.value, (state != null) ? state.key() : null, id, jobs,
					null, null, null, null, null);
		}

		static OperationResultDescriptor reloaded(String queue, Action action, @Nullable JobState state,
				@Nullable String id, ReloadResult result) {
			List<String> notReloaded = result.skipped().stream().map(ReloadResult.Skipped::reason).toList();
			return new OperationResultDescriptor(queue, action.value, (state != null) ? state.key() : null, id,
					result.moved(), null, null, null, notReloaded.isEmpty() ? null : notReloaded, null);
		}

	}

}
