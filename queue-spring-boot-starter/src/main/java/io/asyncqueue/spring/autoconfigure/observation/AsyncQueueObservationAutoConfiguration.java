package io.asyncqueue.spring.autoconfigure.observation;

import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.QueueWorker;
import io.asyncqueue.core.Queues;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;
import io.asyncqueue.spring.autoconfigure.QueueWorkerCustomizer;
import io.asyncqueue.spring.observation.ObservationJobInterceptor;
import io.asyncqueue.spring.observation.QueueProcessObservationConvention;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} that observes
 * every job execution with the application's {@link ObservationRegistry}, so that with a tracing bridge
 * each execution is a span continuing the producer's trace. Pushes through the
 * {@link io.asyncqueue.spring.QueueTemplate} are observed by the template itself. Turned off with
 * {@code async-queue.observation.enabled=false}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = AsyncQueueAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ ObservationRegistry.class, Queues.class })
@ConditionalOnBooleanProperty(name = "async-queue.observation.enabled", matchIfMissing = true)
public final class AsyncQueueObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ObservationJobInterceptor asyncQueueObservationJobInterceptor(ObservationRegistry observationRegistry,
			ObjectProvider<QueueProcessObservationConvention> convention) {
		return new ObservationJobInterceptor(observationRegistry, convention.getIfUnique());
	}

	@Bean
	@ConditionalOnMissingBean(name = "asyncQueueObservationWorkerCustomizer")
	QueueWorkerCustomizer asyncQueueObservationWorkerCustomizer(ObservationJobInterceptor interceptor) {
		return new InterceptorCustomizer(interceptor);
	}

	/**
	 * Adds the interceptor before every other, so that it wraps them.
	 */
	static final class InterceptorCustomizer implements QueueWorkerCustomizer, Ordered {

		private final ObservationJobInterceptor interceptor;

		InterceptorCustomizer(ObservationJobInterceptor interceptor) {
			this.interceptor = interceptor;
		}

		@Override
		public void customize(QueueSettings settings, QueueWorker.Builder worker) {
			worker.interceptor(this.interceptor);
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

}
