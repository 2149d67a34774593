package io.asyncqueue.core;

import java.util.Locale;

/**
 * Where a job is. Each state is one Redis structure under the queue's channel.
 *
 * @since 0.1.0
 */
public enum JobState {

	/** Ready to run, in push order: a LIST. */
	WAITING,

	/** Due later (delayed push or retry backoff): a ZSET scored by due time. */
	DELAYED,

	/** Fetched by a worker under a lease: a ZSET scored by lease deadline. */
	RESERVED,

	/** Out of attempts, not retryable, unreadable or stalled too often: a ZSET scored by failure time. */
	FAILED,

	/** Lease expired with {@link StalledJobAction#PARK}: a ZSET scored by the time it was parked. */
	TIMEOUT;

	/** The state's name as used in keys, the endpoint and properties. */
	public String key() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Parse a state name, ignoring case.
	 * @param value the name
	 * @return the state
	 */
	public static JobState of(String value) {
		try {
			return valueOf(value.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"Unknown job state '" + value + "'; use one of waiting, delayed, reserved, failed, timeout");
		}
	}

}
