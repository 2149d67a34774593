package io.asyncqueue.core;

/**
 * What happens to a job whose lease expired because its worker stopped renewing it (the process
 * died, hung, or lost Redis for longer than the lease).
 *
 * @since 0.1.0
 */
public enum StalledJobAction {

	/**
	 * Put it back at the head of {@code waiting}, counting a stall; after
	 * {@link QueueSettings#maxStalls()} stalls it goes to {@code failed} with reason "stalled".
	 */
	RECOVER,

	/**
	 * Park it in the {@code timeout} state for an operator to reload, as Hyperf does with its
	 * {@code timeout} list (but without letting the job run on unnoticed).
	 */
	PARK

}
