package io.asyncqueue.core;

/**
 * A pushed job serializes to more bytes than its queue's {@code max-payload-size}.
 *
 * @since 0.1.0
 */
public class PayloadTooLargeException extends QueueException {

	private final int size;

	private final int limit;

	public PayloadTooLargeException(String queue, String jobName, int size, int limit) {
		super("Job '" + jobName + "' for queue '" + queue + "' serializes to " + size + " bytes, over the limit of "
				+ limit + " bytes; push a reference to the data instead, or raise async-queue.queues." + queue
				+ ".max-payload-size");
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
