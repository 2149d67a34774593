package io.asyncqueue.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The {@link ObservationConvention} of {@link QueueObservation#PUBLISH push} observations. Define a bean
 * of this type to change their name or tags; extend {@link DefaultQueuePublishObservationConvention} to
 * add to the defaults.
 *
 * @since 0.1.0
 */
public interface QueuePublishObservationConvention extends ObservationConvention<QueuePublishContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof QueuePublishContext;
	}

}
