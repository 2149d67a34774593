package io.asyncqueue.spring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of async-queue. With a tracing bridge, a push is a {@code PRODUCER} span whose
 * context travels in the job's headers, and each execution of the job is a {@code CONSUMER} span that
 * continues it. Tag names follow OpenTelemetry's messaging conventions where they fit.
 *
 * @since 0.1.0
 */
public enum QueueObservation implements ObservationDocumentation {

	/**
	 * A push of one job, or of a batch in one round trip.
	 */
	PUBLISH {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultQueuePublishObservationConvention.class;
		}

		@Override
		public String getPrefix() {
			return "asyncqueue";
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { HighCardinalityKeyNames.MESSAGE_ID, HighCardinalityKeyNames.BATCH_SIZE };
		}

	},

	/**
	 * One execution of a job's handler, around every interceptor added after it.
	 */
	PROCESS {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultQueueProcessObservationConvention.class;
		}

		@Override
		public String getPrefix() {
			return "asyncqueue";
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { HighCardinalityKeyNames.MESSAGE_ID, HighCardinalityKeyNames.ATTEMPT };
		}

	};

	/**
	 * Tags with few values, on spans and on the timers made from observations.
	 */
	public enum LowCardinalityKeyNames implements KeyName {

		/**
		 * Always {@code async-queue}.
		 */
		MESSAGING_SYSTEM {

			@Override
			public String asString() {
				return "messaging.system";
			}

		},

		/**
		 * {@code send} for a push, {@code process} for an execution.
		 */
		OPERATION_TYPE {

			@Override
			public String asString() {
				return "messaging.operation.type";
			}

		},

		/**
		 * The queue's name.
		 */
		DESTINATION_NAME {

			@Override
			public String asString() {
				return "messaging.destination.name";
			}

		},

		/**
		 * The job's logical name.
		 */
		JOB {

			@Override
			public String asString() {
				return "asyncqueue.job";
			}

		}

	}

	/**
	 * Tags with many values, on spans only.
	 */
	public enum HighCardinalityKeyNames implements KeyName {

		/**
		 * The job's id (for a batch, not set).
		 */
		MESSAGE_ID {

			@Override
			public String asString() {
				return "messaging.message.id";
			}

		},

		/**
		 * How many jobs a push sent, when more than one.
		 */
		BATCH_SIZE {

			@Override
			public String asString() {
				return "messaging.batch.message_count";
			}

		},

		/**
		 * The execution's attempt number, from 1.
		 */
		ATTEMPT {

			@Override
			public String asString() {
				return "asyncqueue.attempt";
			}

		}

	}

}
