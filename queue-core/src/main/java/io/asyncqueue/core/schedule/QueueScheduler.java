package io.asyncqueue.core.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.PushNotReplicatedException;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.redis.RedisFailures;
import io.asyncqueue.core.scripts.PushRecord;
import io.asyncqueue.core.scripts.ScheduleScripts;
import io.asyncqueue.core.scripts.ScheduleScripts.Action;
import io.asyncqueue.core.scripts.ScheduleScripts.Claim;
import io.asyncqueue.core.scripts.ScheduleScripts.ClaimReply;

/**
 * Runs recurring jobs: every instance runs one, and each tick of each schedule is pushed exactly once
 * across them all, with no leader. A tick is claimed in Redis by a compare-and-set of the schedule's last
 * tick, in the same script that pushes its job: two instances that both see a tick due both try, one
 * claims it and pushes, the other finds the last tick moved and pushes nothing; and no crash can land
 * between the claim and the push. Pause, resume and trigger-now ({@link ScheduleOperations}) live in the
 * schedule's Redis hash, so every instance obeys them.
 *
 * <p>One daemon thread per scheduler wakes at each schedule's next tick, and at least every
 * {@link #POLL_INTERVAL} to pick up a trigger-now request or a resume. A schedule seen for the first time
 * starts with its first tick after that moment. Ticks are computed from the instance's clock (keep the
 * instances' clocks in sync, as for any cron): a clock ahead pushes early, never twice.
 *
 * @since 0.2.0
 */
public final class QueueScheduler {

	/** Longest wait between two looks at every schedule's state. */
	public static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

	/** Most claims of one schedule in one wake-up: a backlog within the misfire threshold is caught up. */
	private static final int CLAIMS_PER_WAKE = 100;

	private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

	private static final Logger logger = LoggerFactory.getLogger(QueueScheduler.class);

	private final RedisConnector redis;

	private final JobSerializer serializer;

	private final Queues queues;

	private final List<Schedule> schedules;

	private final Clock clock;

	private final ScheduleScripts scripts;

	private final Map<String, ScheduleState> states = new ConcurrentHashMap<>();

	/** The schedules whose last failure was logged, so that an outage logs once per schedule, not per second. */
	private final Map<String, String> failing = new ConcurrentHashMap<>();

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition wake = this.lock.newCondition();

	private Thread thread;

	private volatile boolean running;

	/**
	 * A scheduler over the system clock.
	 * @param redis the connector
	 * @param serializer serializes the jobs' payloads
	 * @param queues the declared queues, each schedule's among them
	 * @param schedules the schedules, each with its own name
	 */
	public QueueScheduler(RedisConnector redis, JobSerializer serializer, Queues queues, List<Schedule> schedules) {
		this(redis, serializer, queues, schedules, Clock.systemUTC());
	}

	/**
	 * A scheduler.
	 * @param redis the connector
	 * @param serializer serializes the jobs' payloads
	 * @param queues the declared queues, each schedule's among them
	 * @param schedules the schedules, each with its own name
	 * @param clock the clock ticks are due by
	 */
	public QueueScheduler(RedisConnector redis, JobSerializer serializer, Queues queues, List<Schedule> schedules,
			Clock clock) {
		this.redis = redis;
		this.serializer = serializer;
		this.queues = queues;
		this.clock = clock;
		this.scripts = new ScheduleScripts(redis);
		Map<String, Schedule> unique = new LinkedHashMap<>();
		for (Schedule schedule : schedules) {
			queues.get(schedule.queue());
			if (unique.putIfAbsent(schedule.name(), schedule) != null) {
				throw new IllegalArgumentException("Two schedules are named '" + schedule.name()
						+ "'; give each its own name");
			}
		}
		this.schedules = List.copyOf(unique.values());
	}

	/** The schedules this scheduler runs. */
	public List<Schedule> schedules() {
		return this.schedules;
	}

	/**
	 * What each schedule looked like in Redis at this scheduler's last look (within
	 * {@link #POLL_INTERVAL}), without a Redis call: for gauges.
	 * @return the states, by schedule name; a schedule not read yet is absent
	 */
	public Map<String, ScheduleState> states() {
		return Map.copyOf(this.states);
	}

	/** Start the scheduling thread. Idempotent. */
	public void start() {
		this.lock.lock();
		try {
			if (this.running) {
				return;
			}
			this.running = true;
			this.thread = new Thread(this::run, "async-queue-scheduler");
			this.thread.setDaemon(true);
			this.thread.start();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Stop the scheduling thread, waiting for a claim in flight. Idempotent. */
	public void stop() {
		Thread stopping;
		this.lock.lock();
		try {
			if (!this.running) {
				return;
			}
			this.running = false;
			stopping = this.thread;
			this.wake.signalAll();
		}
		finally {
			this.lock.unlock();
		}
		try {
			stopping.join(CALL_TIMEOUT.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Whether the scheduling thread runs. */
	public boolean isRunning() {
		return this.running;
	}

	private void run() {
		Map<Schedule, Boolean> registered = new HashMap<>();
		while (this.running) {
			Instant wakeAt = this.clock.instant().plus(POLL_INTERVAL);
			for (Schedule schedule : this.schedules) {
				if (!this.running) {
					return;
				}
				try {
					if (registered.putIfAbsent(schedule, Boolean.TRUE) == null) {
						register(schedule);
					}
					Instant due = tick(schedule);
					if (due != null && due.isBefore(wakeAt)) {
						wakeAt = due;
					}
					if (this.failing.remove(schedule.name()) != null) {
						logger.info("Schedule '{}' of queue '{}' reaches Redis again", schedule.name(), schedule.queue());
					}
				}
				catch (RuntimeException ex) {
					registered.remove(schedule);
					String reason = String.valueOf(RedisFailures.unwrap(ex).getMessage());
					if (!reason.equals(this.failing.put(schedule.name(), reason))) {
						logger.warn("Schedule '{}' of queue '{}' could not claim its tick, retrying every {}: {}",
								schedule.name(), schedule.queue(), POLL_INTERVAL, reason);
					}
				}
			}
			await(wakeAt);
		}
	}

	private void await(Instant wakeAt) {
		this.lock.lock();
		try {
			long millis = Duration.between(this.clock.instant(), wakeAt).toMillis();
			if (this.running && millis > 0) {
				this.wake.await(millis, TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void register(Schedule schedule) {
		Map<String, String> description = Map.of("spec", schedule.spec(), "job-name", schedule.jobName(), "misfire",
				schedule.misfire().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
		join(this.scripts.register(this.queues.get(schedule.queue()), schedule.name(), description));
	}

	/**
	 * Claim what is due of one schedule.
	 * @return when it is next due, or {@code null} for not before the next look
	 */
	private Instant tick(Schedule schedule) {
		QueueSettings settings = this.queues.get(schedule.queue());
		String key = ScheduleScripts.state(settings, schedule.name());
		for (int claims = 0; claims < CLAIMS_PER_WAKE && this.running; claims++) {
			Map<String, String> hash = join(this.redis.commands().hgetall(key).toCompletableFuture());
			ScheduleState state = ScheduleState.of(schedule.name(), schedule.queue(), hash);
			this.states.put(schedule.name(), state);
			String trigger = hash.get("trigger");
			if (trigger != null) {
				ClaimReply reply = claim(schedule, settings,
						new Claim(Action.TRIGGER, trigger, this.clock.millis(), null, true, 0), "trigger");
				if (reply.claimed() || "stale".equals(reply.outcome())) {
					continue;
				}
				return null; // pushes closed: the request waits, looked at again at the next poll
			}
			Instant now = this.clock.instant();
			if (state.lastTick() == null) {
				claim(schedule, settings, new Claim(Action.INIT, "", now.toEpochMilli(),
						millis(schedule.ticks().next(now)), false, 0), "tick");
				continue;
			}
			TickPlan plan = TickPlan.of(schedule, state.lastTick(), now);
			if (plan == null) {
				return schedule.ticks().next(state.lastTick());
			}
			if (state.paused()) {
				return null;
			}
			ClaimReply reply = claim(schedule, settings, new Claim(Action.TICK, hash.get("last"),
					plan.tick().toEpochMilli(), millis(plan.following()), plan.push(), plan.missed()),
					plan.misfire() ? "misfire" : "tick");
			if (reply.claimed() && plan.misfire()) {
				logger.info("Schedule '{}' of queue '{}' missed {} tick(s) up to {} ({}): {}", schedule.name(),
						schedule.queue(), plan.missed() + (plan.push() ? 1 : 0), plan.tick(), schedule.misfire(),
						plan.push() ? "pushed one job for them" : "skipped them");
			}
			if ("closed".equals(reply.outcome()) || "paused".equals(reply.outcome())) {
				return null;
			}
		}
		return this.clock.instant();
	}

	private ClaimReply claim(Schedule schedule, QueueSettings settings, Claim claim, String kind) {
		PushOptions options = PushOptions.now()
			.header(Schedule.SCHEDULE_HEADER, schedule.name())
			.header(Schedule.TICK_HEADER, Long.toString(claim.tick()))
			.header(Schedule.KIND_HEADER, kind);
		String envelope = this.serializer.serialize(schedule.jobName(), schedule.payload(), this.clock.instant(), options);
		PushRecord record = new PushRecord(PushOptions.newJobId(), envelope, 0, 0, null);
		try {
			return join(this.scripts.claim(settings, schedule.name(), claim, record));
		}
		catch (PushNotReplicatedException ex) {
			// made on the primary: claiming it again would push a second job; a failover that loses it also loses
			// the claim, and the tick is then claimed again on the new primary
			logger.warn("Schedule '{}' of queue '{}' claimed tick {}, but: {}", schedule.name(), schedule.queue(),
					Instant.ofEpochMilli(claim.tick()), ex.getMessage());
			return new ClaimReply("claimed", record.id());
		}
	}

	private static Long millis(Instant instant) {
		return (instant != null) ? instant.toEpochMilli() : null;
	}

	private static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
		return RedisFailures.join(future.orTimeout(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
	}

	@Override
	public String toString() {
		List<String> names = new ArrayList<>();
		this.schedules.forEach((schedule) -> names.add(schedule.queue() + "/" + schedule.name()));
		return "QueueScheduler" + names;
	}

}
