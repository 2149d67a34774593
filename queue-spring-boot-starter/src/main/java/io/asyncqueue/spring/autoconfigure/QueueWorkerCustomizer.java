package io.asyncqueue.spring.autoconfigure;

import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.QueueWorker;

/**
 * Callback for beans that customize the worker of each consumed queue before it is built: add a
 * {@link io.asyncqueue.core.QueueObserver}, set a thread factory, sample queue lengths. The jobs and
 * the auto-configured thread factory and listeners are already set. Customizers run in
 * {@link org.springframework.core.annotation.Order order}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface QueueWorkerCustomizer {

	/**
	 * Customize one queue's worker.
	 * @param settings the queue's settings
	 * @param worker the worker's builder
	 */
	void customize(QueueSettings settings, QueueWorker.Builder worker);

}
