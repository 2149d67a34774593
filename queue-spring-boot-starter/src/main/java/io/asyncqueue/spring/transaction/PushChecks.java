package io.asyncqueue.spring.transaction;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.PayloadTooLargeException;
import io.asyncqueue.core.PushRequest;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.Queues;

/**
 * Refuses, on the caller's thread, a push that Redis would refuse later: to an undeclared queue, or with
 * a payload that cannot be serialized or is too large. A push held until after commit, or written to
 * the outbox, would otherwise fail where nobody can handle it.
 */
final class PushChecks {

	private final Queues queues;

	private final JobSerializer serializer;

	PushChecks(Queues queues, JobSerializer serializer) {
		this.queues = queues;
		this.serializer = serializer;
	}

	/**
	 * Check the jobs of a push.
	 * @param queue the queue
	 * @param requests the jobs
	 * @throws io.asyncqueue.core.QueueException when the queue is not declared or a payload is too large
	 */
	void check(String queue, List<PushRequest> requests) {
		QueueSettings settings = this.queues.get(queue);
		Instant now = Instant.now();
		for (PushRequest request : requests) {
			String envelope = this.serializer.serialize(request.jobName(), request.payload(), now, request.options());
			if (envelope.length() * 3L > settings.maxPayloadSize()) {
				int size = envelope.getBytes(StandardCharsets.UTF_8).length;
				if (size > settings.maxPayloadSize()) {
					throw new PayloadTooLargeException(settings.name(), request.jobName(), size,
							settings.maxPayloadSize());
				}
			}
		}
	}

	JobSerializer serializer() {
		return this.serializer;
	}

}
