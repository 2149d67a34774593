package io.asyncqueue.core;

/**
 * What a push did.
 *
 * @param id the job's id: the new job's, or for a duplicate the id of the job already holding the
 * unique id
 * @param created {@code true} when a job was created, {@code false} when its unique id was taken
 * @since 0.1.0
 */
public record PushResult(String id, boolean created) {

	/** Whether the push was refused because a job with the same unique id is waiting, delayed or running. */
	public boolean duplicate() {
		return !this.created;
	}

}
