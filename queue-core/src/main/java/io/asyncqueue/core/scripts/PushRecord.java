package io.asyncqueue.core.scripts;

/**
 * One job for the push script.
 *
 * @param id the job id, made by the client so that a replayed push lands once
 * @param envelope the serialized envelope
 * @param delayMillis how long from now (Redis's clock) it waits before it is due
 * @param atMillis when it is due (epoch ms), or 0 to use the delay
 * @param uniqueId its unique id, or {@code null}
 * @param priority its priority, 0 for none
 * @param group its group key, or {@code null} for none
 * @since 0.2.0
 */
public record PushRecord(String id, String envelope, long delayMillis, long atMillis, String uniqueId, int priority,
		String group) {

	/** How many arguments a record is in the push script's {@code ARGV}. */
	static final int FIELDS = 7;

	/**
	 * A job without a priority.
	 * @param id the job id
	 * @param envelope the serialized envelope
	 * @param delayMillis how long from now it waits before it is due
	 * @param atMillis when it is due (epoch ms), or 0 to use the delay
	 * @param uniqueId its unique id, or {@code null}
	 */
	public PushRecord(String id, String envelope, long delayMillis, long atMillis, String uniqueId) {
		this(id, envelope, delayMillis, atMillis, uniqueId, 0, null);
	}

	public String[] arguments() {
		return new String[] { this.id, this.envelope, Long.toString(this.delayMillis), Long.toString(this.atMillis),
				(this.uniqueId != null) ? this.uniqueId : "", Integer.toString(this.priority),
				(this.group != null) ? this.group : "" };
	}

}
