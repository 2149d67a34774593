package io.asyncqueue.spring.observation;

import java.util.Objects;

import io.asyncqueue.core.JobInfo;
import io.asyncqueue.core.JobInterceptor;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Observes each execution of a job as {@link QueueObservation#PROCESS}, on the handler's thread and in
 * scope around the handler, so that the handler's own observations, logs and Redis calls join the
 * producer's trace carried in the job's headers. Add it first so that it wraps the other interceptors.
 *
 * @since 0.1.0
 */
public class ObservationJobInterceptor implements JobInterceptor {

	private final ObservationRegistry registry;

	private final @Nullable QueueProcessObservationConvention convention;

	/**
	 * An interceptor that observes with the given registry.
	 * @param registry the registry
	 * @param convention a convention replacing the default, or {@code null}
	 */
	public ObservationJobInterceptor(ObservationRegistry registry,
			@Nullable QueueProcessObservationConvention convention) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.convention = convention;
	}

	@Override
	public void intercept(JobInfo job, Invocation invocation) throws Exception {
		if (this.registry.isNoop()) {
			invocation.proceed();
			return;
		}
		Observation observation = QueueObservation.PROCESS.observation(this.convention,
				DefaultQueueProcessObservationConvention.INSTANCE, () -> new QueueProcessContext(job), this.registry);
		observation.observeChecked(invocation::proceed);
	}

}
