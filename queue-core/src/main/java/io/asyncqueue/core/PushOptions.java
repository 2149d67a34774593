package io.asyncqueue.core;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a job is pushed: when it becomes due, its unique id and headers. Immutable; each method returns
 * a copy.
 *
 * <pre>{@code
 * PushOptions.delay(Duration.ofMinutes(1)).uniqueId("order-42")
 * }</pre>
 *
 * @since 0.1.0
 */
public final class PushOptions {

	private static final PushOptions NOW = new PushOptions(Duration.ZERO, null, null, Map.of(), null);

	private final Duration delay;

	private final Instant at;

	private final String uniqueId;

	private final Map<String, String> headers;

	private final PushGuard guard;

	private PushOptions(Duration delay, Instant at, String uniqueId, Map<String, String> headers, PushGuard guard) {
		this.delay = delay;
		this.at = at;
		this.uniqueId = uniqueId;
		this.headers = headers;
		this.guard = guard;
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
		return new PushOptions(delay, null, this.uniqueId, this.headers, this.guard);
	}

	/**
	 * A copy due at an instant (an instant in the past means now).
	 * @param at the instant
	 * @return the copy
	 */
	public PushOptions withAt(Instant at) {
		Objects.requireNonNull(at, "at");
		return new PushOptions(Duration.ZERO, at, this.uniqueId, this.headers, this.guard);
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
		return new PushOptions(this.delay, this.at, uniqueId, this.headers, this.guard);
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
		return new PushOptions(this.delay, this.at, this.uniqueId, Map.copyOf(headers), this.guard);
	}

	/**
	 * A copy pushed only if the guard accepts, in the same Redis script. A guarded push goes to Redis alone
	 * (not grouped with other threads' pushes), and cannot be part of a {@code pushAll}.
	 * @param guard the guard, or {@code null} for none
	 * @return the copy
	 * @see PushGuard
	 */
	public PushOptions guard(PushGuard guard) {
		return new PushOptions(this.delay, this.at, this.uniqueId, this.headers, guard);
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
				+ this.headers + ", guard=" + this.guard + "]";
	}

}
