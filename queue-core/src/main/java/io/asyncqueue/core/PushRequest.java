package io.asyncqueue.core;

import java.util.Objects;

/**
 * One job of a batch push.
 *
 * @param jobName the logical job name
 * @param payload the payload, serialized to JSON
 * @param options when and how
 * @since 0.1.0
 */
public record PushRequest(String jobName, Object payload, PushOptions options) {

	public PushRequest {
		Objects.requireNonNull(jobName, "jobName");
		options = (options != null) ? options : PushOptions.now();
	}

	/**
	 * A request due now.
	 * @param jobName the job name
	 * @param payload the payload
	 * @return the request
	 */
	public static PushRequest of(String jobName, Object payload) {
		return new PushRequest(jobName, payload, PushOptions.now());
	}

}
