package io.asyncqueue.spring.observation;

import io.asyncqueue.spring.observation.QueueObservation.HighCardinalityKeyNames;
import io.asyncqueue.spring.observation.QueueObservation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValues;

/**
 * The default {@link QueuePublishObservationConvention}: observation {@code asyncqueue.publish}, span
 * {@code send <queue>}.
 *
 * @since 0.1.0
 */
public class DefaultQueuePublishObservationConvention implements QueuePublishObservationConvention {

	/** A shared instance. */
	public static final DefaultQueuePublishObservationConvention INSTANCE =
			new DefaultQueuePublishObservationConvention();

	@Override
	public String getName() {
		return "asyncqueue.publish";
	}

	@Override
	public String getContextualName(QueuePublishContext context) {
		return "send " + context.getQueue();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(QueuePublishContext context) {
		return KeyValues.of(LowCardinalityKeyNames.MESSAGING_SYSTEM.withValue("async-queue"),
				LowCardinalityKeyNames.OPERATION_TYPE.withValue("send"),
				LowCardinalityKeyNames.DESTINATION_NAME.withValue(context.getQueue()),
				LowCardinalityKeyNames.JOB.withValue(context.getJobName()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(QueuePublishContext context) {
		String jobId = context.getJobId();
		if (context.getBatchSize() != 1) {
			return KeyValues.of(HighCardinalityKeyNames.BATCH_SIZE.withValue(Integer.toString(context.getBatchSize())));
		}
		return (jobId != null) ? KeyValues.of(HighCardinalityKeyNames.MESSAGE_ID.withValue(jobId)) : KeyValues.empty();
	}

}
