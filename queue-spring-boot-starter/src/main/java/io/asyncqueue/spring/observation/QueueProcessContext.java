package io.asyncqueue.spring.observation;

import io.asyncqueue.core.JobInfo;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;

/**
 * The context of a {@link QueueObservation#PROCESS job execution} observation. Its carrier is the
 * execution, whose headers a tracing handler reads to continue the producer's trace.
 *
 * @since 0.1.0
 */
public class QueueProcessContext extends ReceiverContext<JobInfo> {

	/**
	 * A context for one execution.
	 * @param job the execution
	 */
	public QueueProcessContext(JobInfo job) {
		super((carrier, key) -> carrier.headers().get(key), Kind.CONSUMER);
		setCarrier(job);
		setRemoteServiceName("async-queue");
	}

	/** The execution. */
	public JobInfo getJob() {
		JobInfo job = getCarrier();
		if (job == null) {
			throw new IllegalStateException("No job");
		}
		return job;
	}

}
