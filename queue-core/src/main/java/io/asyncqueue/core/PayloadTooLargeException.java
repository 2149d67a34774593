package io.asyncqueue.core;

/**
 * A pushed job serializes to more bytes than its queue's {@link QueueSettings#maxPayloadSize()}.
 *
 * @since 0.1.0
 */
public class PayloadTooLargeException extends QueueException {

	private final int size;

	private final int limit;

	public PayloadTooLargeException(String queue, String jobName, int size, int limit) {
		// the engine's own setting: queue-core knows nothing of the Spring property that may have set it
		super("Job '" + jobName + "' for queue '" + queue + "' serializes to " + size + " bytes, over the limit of "
				+ limit + " bytes (the queue's maxPayloadSize setting); push a reference to the data instead, or raise "
				+ "maxPayloadSize");
		this.size = size;
		this.limit = limit;
	}

	/** The serialized size in bytes. */
	public int getSize() {
		return this.size;
	}

	/** The limit in bytes. */
	public int getLimit() {
		return this.limit;
	}

}
