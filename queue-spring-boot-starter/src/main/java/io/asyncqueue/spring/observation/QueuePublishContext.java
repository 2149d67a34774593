package io.asyncqueue.spring.observation;

import java.util.LinkedHashMap;
import java.util.Map;

import io.asyncqueue.core.PushOptions;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

/**
 * The context of a {@link QueueObservation#PUBLISH push} observation. Its carrier collects the headers
 * a tracing handler injects (for example W3C {@code traceparent}) so that they travel with the job.
 *
 * @since 0.1.0
 */
public class QueuePublishContext extends SenderContext<Map<String, String>> {

	private final String queue;

	private final String jobName;

	private final int batchSize;

	private @Nullable String jobId;

	/**
	 * A context for a push.
	 * @param queue the queue
	 * @param jobName the job's logical name
	 * @param batchSize how many jobs the push sends
	 */
	public QueuePublishContext(String queue, String jobName, int batchSize) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.put(key, value);
			}
		}, Kind.PRODUCER);
		setCarrier(new LinkedHashMap<>());
		setRemoteServiceName("async-queue");
		this.queue = queue;
		this.jobName = jobName;
		this.batchSize = batchSize;
	}

	/** The queue. */
	public String getQueue() {
		return this.queue;
	}

	/** The job's logical name. */
	public String getJobName() {
		return this.jobName;
	}

	/** How many jobs the push sends. */
	public int getBatchSize() {
		return this.batchSize;
	}

	/** The pushed job's id, once known, for a single push. */
	public @Nullable String getJobId() {
		return this.jobId;
	}

	/**
	 * Record the pushed job's id.
	 * @param jobId the id
	 */
	public void setJobId(@Nullable String jobId) {
		this.jobId = jobId;
	}

	/**
	 * The headers to push with the job: the given options plus what the tracing handlers injected,
	 * headers the caller set winning.
	 * @param options the caller's options
	 * @return the options to push with
	 */
	public PushOptions withHeaders(PushOptions options) {
		Map<String, String> injected = getCarrier();
		if (injected == null || injected.isEmpty()) {
			return options;
		}
		PushOptions result = options;
		for (Map.Entry<String, String> header : injected.entrySet()) {
			if (!options.headers().containsKey(header.getKey())) {
				result = result.header(header.getKey(), header.getValue());
			}
		}
		return result;
	}

}
