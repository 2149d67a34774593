package io.asyncqueue.spring.autoconfigure.actuate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the {@code asyncQueue} health indicator: when a queue counts as unhealthy.
 *
 * <pre>
 * management.health.asyncqueue:
 *   max-failed: 100
 *   max-waiting-age: 5m
 *   threshold-status: out-of-service
 *   queues:
 *     reports:
 *       max-waiting-age: 1h
 * </pre>
 *
 * @since 0.1.0
 */
@ConfigurationProperties("management.health.asyncqueue")
public class AsyncQueueHealthIndicatorProperties {

	/**
	 * Most jobs in "failed" a queue may hold before the indicator reports the threshold status. Unset for no
	 * limit.
	 */
	private @Nullable Long maxFailed;

	/**
	 * Longest time the oldest waiting job of a queue may have waited since its push before the indicator
	 * reports the threshold status. Unset for no limit.
	 */
	private @Nullable Duration maxWaitingAge;

	/**
	 * Health status to report when a queue is past a threshold, such as DOWN or OUT_OF_SERVICE.
	 */
	private String thresholdStatus = "DOWN";

	/**
	 * Thresholds by queue name; each one left unset is taken from the top level.
	 */
	private final Map<String, Queue> queues = new LinkedHashMap<>();

	public @Nullable Long getMaxFailed() {
		return this.maxFailed;
	}

	public void setMaxFailed(@Nullable Long maxFailed) {
		this.maxFailed = maxFailed;
	}

	public @Nullable Duration getMaxWaitingAge() {
		return this.maxWaitingAge;
	}

	public void setMaxWaitingAge(@Nullable Duration maxWaitingAge) {
		this.maxWaitingAge = maxWaitingAge;
	}

	public String getThresholdStatus() {
		return this.thresholdStatus;
	}

	public void setThresholdStatus(String thresholdStatus) {
		this.thresholdStatus = thresholdStatus;
	}

	public Map<String, Queue> getQueues() {
		return this.queues;
	}

	/**
	 * Thresholds of one queue.
	 */
	public static class Queue {

		/**
		 * Most jobs in "failed" the queue may hold before the indicator reports the threshold status.
		 */
		private @Nullable Long maxFailed;

		/**
		 * Longest time the oldest waiting job of the queue may have waited since its push before the
		 * indicator reports the threshold status.
		 */
		private @Nullable Duration maxWaitingAge;

		public @Nullable Long getMaxFailed() {
			return this.maxFailed;
		}

		public void setMaxFailed(@Nullable Long maxFailed) {
			this.maxFailed = maxFailed;
		}

		public @Nullable Duration getMaxWaitingAge() {
			return this.maxWaitingAge;
		}

		public void setMaxWaitingAge(@Nullable Duration maxWaitingAge) {
			this.maxWaitingAge = maxWaitingAge;
		}

	}

}
