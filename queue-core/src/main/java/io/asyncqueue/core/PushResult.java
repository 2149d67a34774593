package io.asyncqueue.core;

/**
 * What a push did.
 *
 * @param id the job's id: the new job's, or for a duplicate the id of the job already holding the
 * unique id; {@code null} when a {@linkplain PushGuard guard} refused the push
 * @param created {@code true} when a job was created, {@code false} when its unique id was taken or its
 * guard refused it
 * @param guard what the push's {@linkplain PushGuard guard} said, or {@code null} for an unguarded push and
 * for a duplicate (whose guard does not run)
 * @since 0.1.0
 */
public record PushResult(String id, boolean created, GuardVerdict guard) {

	/**
	 * The result of an unguarded push.
	 * @param id the job's id
	 * @param created whether a job was created
	 */
	public PushResult(String id, boolean created) {
		this(id, created, null);
	}

	/** Whether the push was refused because a job with the same unique id is waiting, delayed or running. */
	public boolean duplicate() {
		return !this.created && (this.guard == null || this.guard.accepted());
	}

	/** Whether the push's guard refused it: nothing was pushed. */
	public boolean refusedByGuard() {
		return this.guard != null && !this.guard.accepted();
	}

	/**
	 * The reply of the push's guard: a {@code String}, a {@code Long}, a {@code List} of them, or
	 * {@code null} when it gave none (or the push was not guarded).
	 * @return the reply
	 */
	public Object guardReply() {
		return (this.guard != null) ? this.guard.reply() : null;
	}

	/**
	 * What a guard said.
	 *
	 * @param accepted whether it let the job be pushed
	 * @param reply its reply, as Redis converts a script's reply, or {@code null}
	 */
	public record GuardVerdict(boolean accepted, Object reply) {

	}

}
