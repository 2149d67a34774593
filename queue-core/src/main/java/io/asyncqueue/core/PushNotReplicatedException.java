package io.asyncqueue.core;

/**
 * A push that Redis wrote on the primary but that fewer replicas than the queue's
 * {@link QueueSettings#replicas() replicas} acknowledged within its
 * {@link QueueSettings#replicaTimeout() replica timeout}. The job is in the queue now, but a failover before
 * the replicas catch up would lose it. Pushing it again is safe with a unique id; without one the job may run
 * twice.
 *
 * @since 0.2.0
 */
public class PushNotReplicatedException extends QueueException {

	private static final long serialVersionUID = 1L;

	private final int acknowledged;

	private final int required;

	/**
	 * A push that too few replicas acknowledged.
	 * @param message what happened
	 * @param acknowledged how many replicas acknowledged it
	 * @param required how many had to
	 */
	public PushNotReplicatedException(String message, int acknowledged, int required) {
		super(message);
		this.acknowledged = acknowledged;
		this.required = required;
	}

	/** How many replicas acknowledged the push in time. */
	public int acknowledged() {
		return this.acknowledged;
	}

	/** How many replicas had to. */
	public int required() {
		return this.required;
	}

}
