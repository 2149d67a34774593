package io.asyncqueue.core;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a job is pushed: when it becomes due, its priority or group, unique id, headers and (rarely) its own id. Immutable; each method returns
 * a copy.
 *
 * <pre>{@code
 * PushOptions.delay(Duration.ofMinutes(1)).uniqueId("order-42")
 * }</pre>
 *
 * @since 0.1.0
 */
public final class PushOptions {

	/** The lowest priority, the default: the job waits in the plain FIFO list. */
	public static final int MIN_PRIORITY = 0;

	/** The highest priority. */
	public static final int MAX_PRIORITY = 1000;

	private static final PushOptions NOW = new PushOptions(Duration.ZERO, null, null, Map.of(), null, null, 0, null);

	private final Duration delay;

	private final Instant at;

	private final String uniqueId;

	private final Map<String, String> headers;

	private final PushGuard guard;

	private final String jobId;

	private final int priority;

	private final String group;

	private PushOptions(Duration delay, Instant at, String uniqueId, Map<String, String> headers, PushGuard guard,
			String jobId, int priority, String group) {
		this.priority = priority;
		this.group = group;
		this.delay = delay;
		this.at = at;
		this.uniqueId = uniqueId;
		this.headers = headers;
		this.guard = guard;
		this.jobId = jobId;
	}

	/** Due now. */
	public static PushOptions now() {
		return NOW;
	}

	/**
	 * Due after a delay, measured by Redis's clock.
	 * @param delay the delay, zero or positive
	 * @return the options
	 */
	public static PushOptions delay(Duration delay) {
		return NOW.withDelay(delay);
	}

	/**
	 * Due at an instant.
	 * @param at the instant
	 * @return the options
	 */
	public static PushOptions at(Instant at) {
		return NOW.withAt(at);
	}

	/**
	 * Due now, before jobs of a lower priority (see {@link #withPriority(int)}).
	 * @param priority from {@value #MIN_PRIORITY} (the default, no priority) to {@value #MAX_PRIORITY}, higher
	 * first
	 * @return the options
	 * @throws IllegalArgumentException when it is out of range
	 * @since 0.5.0
	 */
	public static PushOptions priority(int priority) {
		return NOW.withPriority(priority);
	}

	/**
	 * Due now, in a group (see {@link #withGroup(String)}).
	 * @param group the group key, 1 to 200 characters
	 * @return the options
	 * @throws IllegalArgumentException when it is empty or too long
	 * @since 0.6.0
	 */
	public static PushOptions group(String group) {
		return NOW.withGroup(group);
	}

	/**
	 * Due now, unique by the given id.
	 * @param uniqueId the unique id
	 * @return the options
	 */
	public static PushOptions unique(String uniqueId) {
		return NOW.uniqueId(uniqueId);
	}

	/**
	 * Due now, pushed only if the guard accepts, in the same Redis script.
	 * @param guard the guard
	 * @return the options
	 * @see PushGuard
	 */
	public static PushOptions guardedBy(PushGuard guard) {
		return NOW.guard(guard);
	}

	/**
	 * A copy due after a delay.
	 * @param delay the delay, zero or positive
	 * @return the copy
	 */
	public PushOptions withDelay(Duration delay) {
		Objects.requireNonNull(delay, "delay");
		if (delay.isNegative()) {
			throw new IllegalArgumentException("delay must not be negative, was " + delay);
		}
		return new PushOptions(delay, null, this.uniqueId, this.headers, this.guard, this.jobId, this.priority, this.group);
	}

	/**
	 * A copy due at an instant (an instant in the past means now).
	 * @param at the instant
	 * @return the copy
	 */
	public PushOptions withAt(Instant at) {
		Objects.requireNonNull(at, "at");
		return new PushOptions(Duration.ZERO, at, this.uniqueId, this.headers, this.guard, this.jobId, this.priority, this.group);
	}

	/**
	 * A copy with a unique id: while a job with this id is waiting, delayed or running in the queue,
	 * pushing another creates no second copy and reports {@link PushResult#duplicate()}.
	 * @param uniqueId the id
	 * @return the copy
	 */
	public PushOptions uniqueId(String uniqueId) {
		if (uniqueId != null && uniqueId.isEmpty()) {
			throw new IllegalArgumentException("uniqueId must not be empty");
		}
		return new PushOptions(this.delay, this.at, uniqueId, this.headers, this.guard, this.jobId, this.priority, this.group);
	}

	/**
	 * A copy with one more header, carried to the job's {@link JobContext#headers()}.
	 * @param name the name
	 * @param value the value
	 * @return the copy
	 */
	public PushOptions header(String name, String value) {
		Map<String, String> headers = new LinkedHashMap<>(this.headers);
		headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
		return new PushOptions(this.delay, this.at, this.uniqueId, Map.copyOf(headers), this.guard, this.jobId,
				this.priority, this.group);
	}

	/**
	 * A copy pushed only if the guard accepts, in the same Redis script. A guarded push goes to Redis alone
	 * (not grouped with other threads' pushes), and cannot be part of a {@code pushAll}.
	 * @param guard the guard, or {@code null} for none
	 * @return the copy
	 * @see PushGuard
	 */
	public PushOptions guard(PushGuard guard) {
		return new PushOptions(this.delay, this.at, this.uniqueId, this.headers, guard, this.jobId, this.priority, this.group);
	}

	/**
	 * A copy with the job's id chosen by the caller instead of made by the client, for a push that may be
	 * repeated and must land once: while a job with this id exists in the queue (waiting, delayed,
	 * running or failed), pushing it again creates no second copy and reports {@link PushResult#created()
	 * created} with the same id, as the first push did. Unlike a {@link #uniqueId(String)
	 * unique id}, the id says nothing about other jobs; once the job is done and forgotten, the id is free
	 * again. Make ids that cannot collide, for example {@link #newJobId()} or a database key with a prefix
	 * of your own.
	 * @param jobId the id, at most 200 characters
	 * @return the copy
	 */
	public PushOptions jobId(String jobId) {
		if (jobId != null && (jobId.isEmpty() || jobId.length() > 200)) {
			throw new IllegalArgumentException("jobId must have 1 to 200 characters, was '" + jobId + "'");
		}
		return new PushOptions(this.delay, this.at, this.uniqueId, this.headers, this.guard, jobId, this.priority, this.group);
	}

	/**
	 * A copy that runs before jobs of a lower priority: among the jobs ready to run, a fetch takes the highest
	 * priority first and, within one priority, the earliest queued. Strict: a job of priority 0 (the default)
	 * runs only when no prioritised job is ready. A delayed job takes its place when it falls due; retried,
	 * released and reloaded jobs keep their priority.
	 * @param priority from {@value #MIN_PRIORITY} (the default, no priority) to {@value #MAX_PRIORITY}
	 * @return the options
	 * @throws IllegalArgumentException when it is out of range
	 * @since 0.5.0
	 */
	public PushOptions withPriority(int priority) {
		if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
			throw new IllegalArgumentException("priority must be between " + MIN_PRIORITY + " and " + MAX_PRIORITY
					+ " (higher runs first, 0 is the default), was " + priority);
		}
		if (priority != MIN_PRIORITY && this.group != null) {
			throw new IllegalArgumentException("A job in a group runs in its group's order and cannot have a priority ("
					+ priority + "): push it with a group or with a priority, not both");
		}
		return new PushOptions(this.delay, this.at, this.uniqueId, this.headers, this.guard, this.jobId, priority, this.group);
	}

	/**
	 * A copy in a group: the jobs of one group key run one at a time across every instance (or
	 * {@code group-concurrency} at a time), in the order they were pushed, while other groups' jobs proceed;
	 * fetches take ready groups in turn, so that a group with many jobs cannot hold the others back. A retry
	 * keeps its group's place (nothing later of the group runs before it); a delayed job joins its group's
	 * line when it falls due. A job in a group has no priority: its group's order is its order.
	 * @param group the group key, 1 to 200 characters, or {@code null} for none
	 * @return the copy
	 * @throws IllegalArgumentException when it is empty or too long, or the options have a priority
	 * @since 0.6.0
	 */
	public PushOptions withGroup(String group) {
		if (group != null && (group.isEmpty() || group.length() > 200)) {
			throw new IllegalArgumentException("group must have 1 to 200 characters, was '" + group + "'");
		}
		if (group != null && this.priority != MIN_PRIORITY) {
			throw new IllegalArgumentException("A job in a group runs in its group's order and cannot have a priority ("
					+ this.priority + "): push it with a group or with a priority, not both");
		}
		return new PushOptions(this.delay, this.at, this.uniqueId, this.headers, this.guard, this.jobId, this.priority,
				group);
	}

	/** The group key, or {@code null} for none. */
	public String group() {
		return this.group;
	}

	/** The priority, 0 (the default) for none. */
	public int priority() {
		return this.priority;
	}

	/**
	 * A new job id, as the client makes them: 20 characters, sortable by the time they were made.
	 * @return the id
	 */
	public static String newJobId() {
		return JobIds.next();
	}

	/** The job id chosen by the caller, or {@code null} for one made by the client. */
	public String jobId() {
		return this.jobId;
	}

	/** The delay, zero when due now or at an instant. */
	public Duration delay() {
		return this.delay;
	}

	/** The instant it is due at, or {@code null}. */
	public Instant at() {
		return this.at;
	}

	/** The unique id, or {@code null}. */
	public String uniqueId() {
		return this.uniqueId;
	}

	/** The headers. */
	public Map<String, String> headers() {
		return this.headers;
	}

	/** The guard, or {@code null}. */
	public PushGuard guard() {
		return this.guard;
	}

	@Override
	public String toString() {
		return "PushOptions[delay=" + this.delay + ", at=" + this.at + ", uniqueId=" + this.uniqueId + ", headers="
				+ this.headers + ", guard=" + this.guard + ", jobId=" + this.jobId + ", priority=" + this.priority + ", group=" + this.group + "]";
	}

}
