package io.asyncqueue.core.scripts;

/**
 * What {@code settle.lua} did with one record.
 *
 * @since 0.2.0
 */
public enum SettleReply {

	/** The caller owned the job and the record was applied. */
	APPLIED,

	/** The caller no longer owns the job: its lease expired and the job was recovered (and maybe fetched again). */
	NOT_OWNED,

	/**
	 * The job is gone from Redis: settled by an earlier try whose reply was lost, or deleted by an operator.
	 */
	GONE;

	static SettleReply of(Object code) {
		long value = (Long) code;
		return (value == 1L) ? APPLIED : (value == 2L) ? GONE : NOT_OWNED;
	}

}
