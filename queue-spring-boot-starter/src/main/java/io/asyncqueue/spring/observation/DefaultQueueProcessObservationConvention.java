package io.asyncqueue.spring.observation;

import io.asyncqueue.core.JobInfo;
import io.asyncqueue.spring.observation.QueueObservation.HighCardinalityKeyNames;
import io.asyncqueue.spring.observation.QueueObservation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValues;

/**
 * The default {@link QueueProcessObservationConvention}: observation {@code asyncqueue.process}, span
 * {@code process <queue>}.
 *
 * @since 0.1.0
 */
public class DefaultQueueProcessObservationConvention implements QueueProcessObservationConvention {

	/** A shared instance. */
	public static final DefaultQueueProcessObservationConvention INSTANCE =
			new DefaultQueueProcessObservationConvention();

	@Override
	public String getName() {
		return "asyncqueue.process";
	}

	@Override
	public String getContextualName(QueueProcessContext context) {
		return "process " + context.getJob().queue();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(QueueProcessContext context) {
		JobInfo job = context.getJob();
		return KeyValues.of(LowCardinalityKeyNames.MESSAGING_SYSTEM.withValue("async-queue"),
				LowCardinalityKeyNames.OPERATION_TYPE.withValue("process"),
				LowCardinalityKeyNames.DESTINATION_NAME.withValue(job.queue()),
				LowCardinalityKeyNames.JOB.withValue((job.jobName() != null) ? job.jobName() : "unknown"));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(QueueProcessContext context) {
		JobInfo job = context.getJob();
		return KeyValues.of(HighCardinalityKeyNames.MESSAGE_ID.withValue(job.id()),
				HighCardinalityKeyNames.ATTEMPT.withValue(Integer.toString(job.attempt())));
	}

}
