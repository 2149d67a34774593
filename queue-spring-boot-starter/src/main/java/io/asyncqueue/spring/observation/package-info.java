/**
 * Micrometer Observation of pushes and job executions: the observations documented by
 * {@link io.asyncqueue.spring.observation.QueueObservation}, their contexts and conventions, and the
 * {@link io.asyncqueue.spring.observation.ObservationJobInterceptor} that continues the producer's trace
 * on the consumer.
 */
@NullMarked
package io.asyncqueue.spring.observation;

import org.jspecify.annotations.NullMarked;
