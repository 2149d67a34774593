package io.asyncqueue.spring.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.asyncqueue.core.FlowLimits;
import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.spring.QueueContainer;
import io.asyncqueue.spring.QueueContainerRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * A {@link HealthIndicator} for async-queue. {@code DOWN} when Redis cannot be reached, or when a queue
 * this application consumes cannot fetch (Redis refuses its fetches, for example out of memory): that
 * queue's {@code consumptionProblem} says why. Otherwise
 * {@code UP} with details per queue (job counts by state, paused, closed for pushes, age of the oldest
 * waiting job), unless a queue is past one of its {@link Thresholds thresholds}: then the indicator,
 * and that queue's {@code status} detail, report the configured status ({@code DOWN} or
 * {@code OUT_OF_SERVICE}) and the queue's {@code problems} say why.
 *
 * @since 0.1.0
 */
public class AsyncQueueHealthIndicator extends AbstractHealthIndicator {

	private final QueueOperations operations;

	private final Thresholds defaultThresholds;

	private final Map<String, Thresholds> queueThresholds;

	private final Status exceededStatus;

	private final @Nullable QueueContainerRegistry containers;

	/**
	 * An indicator with no thresholds: {@code UP} whenever Redis answers.
	 * @param operations the operations
	 */
	public AsyncQueueHealthIndicator(QueueOperations operations) {
		this(operations, Thresholds.NONE, Map.of(), Status.DOWN);
	}

	/**
	 * An indicator with thresholds, not looking at consumers.
	 * @param operations the operations
	 * @param defaultThresholds the thresholds of every queue not in {@code queueThresholds}
	 * @param queueThresholds thresholds by queue
	 * @param exceededStatus the status when a queue is past a threshold
	 */
	public AsyncQueueHealthIndicator(QueueOperations operations, Thresholds defaultThresholds,
			Map<String, Thresholds> queueThresholds, Status exceededStatus) {
		this(operations, defaultThresholds, queueThresholds, exceededStatus, null);
	}

	/**
	 * An indicator with thresholds.
	 * @param operations the operations
	 * @param defaultThresholds the thresholds of every queue not in {@code queueThresholds}
	 * @param queueThresholds thresholds by queue
	 * @param exceededStatus the status when a queue is past a threshold
	 * @param containers this application's consumers, whose consumption problems turn the indicator
	 * {@code DOWN}, or {@code null} for none
	 */
	public AsyncQueueHealthIndicator(QueueOperations operations, Thresholds defaultThresholds,
			Map<String, Thresholds> queueThresholds, Status exceededStatus, @Nullable QueueContainerRegistry containers) {
		super("async-queue health check failed");
		this.containers = containers;
		this.operations = Objects.requireNonNull(operations, "operations");
		this.defaultThresholds = Objects.requireNonNull(defaultThresholds, "defaultThresholds");
		this.queueThresholds = Map.copyOf(queueThresholds);
		this.exceededStatus = Objects.requireNonNull(exceededStatus, "exceededStatus");
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Status status = Status.UP;
		Map<String, Object> queues = new LinkedHashMap<>();
		for (QueueSettings queue : this.operations.queues().all()) {
			String name = queue.name();
			QueueCounts counts = this.operations.counts(name);
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("waiting", counts.waiting());
			details.put("delayed", counts.delayed());
			details.put("reserved", counts.reserved());
			details.put("failed", counts.failed());
			details.put("timeout", counts.timeout());
			details.put("paused", this.operations.isPaused(name));
			details.put("pushesClosed", this.operations.arePushesClosed(name));
			FlowLimits limits = this.operations.limits(name);
			if (limits.globalConcurrency() > 0) {
				details.put("globalConcurrency", limits.running() + " of " + limits.globalConcurrency() + " running");
			}
			if (limits.rateLimit() != null) {
				details.put("rateLimit", limits.rateLimit().toString());
			}
			Duration oldestWaiting = null;
			if (counts.waiting() > 0) {
				Instant pushedAt = this.operations.oldestWaitingPushedAt(name);
				if (pushedAt != null) {
					Duration age = Duration.between(pushedAt, Instant.now());
					oldestWaiting = age.isNegative() ? Duration.ZERO : age;
					details.put("oldestWaitingSeconds", oldestWaiting.toSeconds());
				}
			}
			List<String> problems = problems(this.queueThresholds.getOrDefault(name, this.defaultThresholds), counts,
					oldestWaiting);
			Status queueStatus = problems.isEmpty() ? Status.UP : this.exceededStatus;
			String consumptionProblem = consumptionProblem(name);
			if (consumptionProblem != null) {
				// DOWN whatever threshold-status says: the queue is not being worked off at all
				details.put("consumptionProblem", consumptionProblem);
				queueStatus = Status.DOWN;
			}
			details.put("status", queueStatus.getCode());
			if (!problems.isEmpty()) {
				details.put("problems", problems);
			}
			if (!Status.DOWN.equals(status) && !Status.UP.equals(queueStatus)) {
				status = queueStatus;
			}
			queues.put(name, details);
		}
		builder.status(status).withDetail("queues", queues);
	}

	private @Nullable String consumptionProblem(String queue) {
		QueueContainer container = (this.containers != null) ? this.containers.getContainer(queue) : null;
		return (container != null) ? container.getConsumptionProblem() : null;
	}

	private static List<String> problems(Thresholds thresholds, QueueCounts counts, @Nullable Duration oldestWaiting) {
		List<String> problems = new ArrayList<>(2);
		Long maxFailed = thresholds.maxFailed();
		if (maxFailed != null && counts.failed() > maxFailed) {
			problems.add(counts.failed() + " failed jobs, more than " + maxFailed);
		}
		Duration maxWaitingAge = thresholds.maxWaitingAge();
		if (maxWaitingAge != null && oldestWaiting != null && oldestWaiting.compareTo(maxWaitingAge) > 0) {
			problems.add("the oldest waiting job has waited " + oldestWaiting.toSeconds() + "s, longer than "
					+ AsyncQueueEndpoint.SettingsDescriptor.duration(maxWaitingAge));
		}
		return problems;
	}

	/**
	 * When a queue counts as unhealthy.
	 *
	 * @param maxFailed most jobs in {@code failed} before it does, or {@code null} for no limit
	 * @param maxWaitingAge longest time the oldest waiting job may have waited since its push before it
	 * does, or {@code null} for no limit
	 */
	public record Thresholds(@Nullable Long maxFailed, @Nullable Duration maxWaitingAge) {

		/** No thresholds. */
		public static final Thresholds NONE = new Thresholds(null, null);

	}

}
