package io.asyncqueue.core;

import java.time.Instant;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * A job as stored in Redis: its logical name, its payload, and how it was pushed. The job is named
 * by a stable logical name, never by a Java class name read from Redis.
 *
 * @param job the logical job name
 * @param payload the payload as a JSON tree
 * @param pushedAt when it was pushed (the producer's clock; used for the queue-wait metric only)
 * @param uniqueId the unique id, or {@code null}
 * @param headers headers, never {@code null}
 * @param priority its priority, 0 for none (see {@link PushOptions#priority(int)})
 * @since 0.1.0
 */
public record JobEnvelope(String job, JsonNode payload, Instant pushedAt, String uniqueId,
		Map<String, String> headers, int priority) {

	public JobEnvelope {
		headers = (headers != null) ? Map.copyOf(headers) : Map.of();
	}

	/**
	 * An envelope without a priority.
	 * @param job the logical job name
	 * @param payload the payload as a JSON tree
	 * @param pushedAt when it was pushed
	 * @param uniqueId the unique id, or {@code null}
	 * @param headers headers
	 */
	public JobEnvelope(String job, JsonNode payload, Instant pushedAt, String uniqueId, Map<String, String> headers) {
		this(job, payload, pushedAt, uniqueId, headers, 0);
	}

}
