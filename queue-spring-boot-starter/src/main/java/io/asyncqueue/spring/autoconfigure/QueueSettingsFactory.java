package io.asyncqueue.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.asyncqueue.core.InvalidQueueSettingException;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.RetryBackoff;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.autoconfigure.AsyncQueueProperties.Defaults;
import io.asyncqueue.spring.autoconfigure.AsyncQueueProperties.ExponentialBackoff;
import io.asyncqueue.spring.autoconfigure.AsyncQueueProperties.Queue;
import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * Turns {@code async-queue.*} into validated {@link QueueSettings}: each queue's own values, else the
 * defaults, then the customizers. Every invalid value fails with an
 * {@link AsyncQueueConfigurationException} that names the property the value came from.
 */
final class QueueSettingsFactory {

	static final String PREFIX = "async-queue";

	static final String DEFAULT_QUEUE = "default";

	private static final Pattern SIMPLE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

	private final AsyncQueueProperties properties;

	private final List<QueueSettingsCustomizer> customizers;

	QueueSettingsFactory(AsyncQueueProperties properties, List<QueueSettingsCustomizer> customizers) {
		this.properties = properties;
		this.customizers = customizers;
	}

	Queues createQueues() {
		Map<String, Queue> declared = new LinkedHashMap<>(this.properties.getQueues());
		if (declared.isEmpty()) {
			declared.put(DEFAULT_QUEUE, new Queue());
		}
		List<QueueSettings> settings = new ArrayList<>();
		Map<String, Set<String>> setOnQueue = new LinkedHashMap<>();
		for (Map.Entry<String, Queue> entry : declared.entrySet()) {
			Set<String> set = new HashSet<>();
			setOnQueue.put(entry.getKey(), set);
			settings.add(create(entry.getKey(), (entry.getValue() != null) ? entry.getValue() : new Queue(), set));
		}
		try {
			return new Queues(settings);
		}
		catch (InvalidQueueSettingException ex) {
			throw translate(ex, setOnQueue.getOrDefault(ex.getQueue(), Set.of()));
		}
	}

	/**
	 * Whether a queue's consumer starts with the application.
	 * @param queue the queue's name
	 * @return its auto-startup, else the default's
	 */
	boolean isAutoStartup(String queue) {
		Queue properties = this.properties.getQueues().get(queue);
		Boolean autoStartup = (properties != null) ? properties.getAutoStartup() : null;
		return (autoStartup != null) ? autoStartup : this.properties.getDefaults().isAutoStartup();
	}

	private QueueSettings create(String name, Queue queue, Set<String> set) {
		Defaults defaults = this.properties.getDefaults();
		QueueSettings.Builder builder = QueueSettings.builder(name);
		if (queue.getChannel() != null) {
			set.add("channel");
			builder.channel(queue.getChannel().trim());
		}
		builder.blockingTimeout(pick(set, "blocking-timeout", queue.getBlockingTimeout(), defaults.getBlockingTimeout()))
			.retryBackoff(retryBackoff(name, queue, defaults))
			.maxAttempts(pick(set, "max-attempts", queue.getMaxAttempts(), defaults.getMaxAttempts()))
			.handleTimeout(pick(set, "handle-timeout", queue.getHandleTimeout(), defaults.getHandleTimeout()))
			.consumers(pick(set, "consumers", queue.getConsumers(), defaults.getConsumers()))
			.concurrency(pick(set, "concurrency", queue.getConcurrency(), defaults.getConcurrency()))
			.fetchBatchSize(pick(set, "fetch-batch-size", queue.getFetchBatchSize(), defaults.getFetchBatchSize()))
			.prefetch(pickOptional(set, "prefetch", queue.getPrefetch(), defaults.getPrefetch()))
			.leaseDuration(pick(set, "lease-duration", queue.getLeaseDuration(), defaults.getLeaseDuration()))
			.maxStalls(pick(set, "max-stalls", queue.getMaxStalls(), defaults.getMaxStalls()))
			.stalledJobAction(
					pick(set, "stalled-job-action", queue.getStalledJobAction(), defaults.getStalledJobAction()))
			.shutdownTimeout(pick(set, "shutdown-timeout", queue.getShutdownTimeout(), defaults.getShutdownTimeout()))
			.maxPayloadSize(bytes(name, set,
					pick(set, "max-payload-size", queue.getMaxPayloadSize(), defaults.getMaxPayloadSize())))
			.failedRetention(pick(set, "failed-retention", queue.getFailedRetention(), defaults.getFailedRetention()))
			.failedMaxSize(pick(set, "failed-max-size", queue.getFailedMaxSize(), defaults.getFailedMaxSize()))
			.replicas(pick(set, "replicas", queue.getReplicas(), defaults.getReplicas()))
			.replicaTimeout(pick(set, "replica-timeout", queue.getReplicaTimeout(), defaults.getReplicaTimeout()))
			.nonRetryableExceptions(nonRetryable(name, set, pick(set, "non-retryable-exceptions",
					queue.getNonRetryableExceptions(), defaults.getNonRetryableExceptions())));
		if (queue.getGlobalConcurrency() != null) {
			set.add("global-concurrency");
			builder.globalConcurrency(queue.getGlobalConcurrency());
		}
		if (queue.getGroupConcurrency() != null) {
			set.add("group-concurrency");
			builder.groupConcurrency(queue.getGroupConcurrency());
		}
		if (queue.getShards() != null) {
			set.add("shards");
			builder.shards(queue.getShards());
		}
		if (queue.getRateLimit().getMax() == null && queue.getRateLimit().periodWasSet()) {
			String property = queueProperty(name) + ".rate-limit";
			throw new AsyncQueueConfigurationException(property + ".period",
					property + ".period is set but " + property + ".max is not: the period has no effect, as the rate "
							+ "limit is on only with max.",
					"Set " + property + ".max (the most job starts in any window of the period, for example 100), or "
							+ "remove " + property + ".period.");
		}
		if (queue.getRateLimit().getMax() != null) {
			set.add("rate-limit");
			builder.rateLimit(io.asyncqueue.core.RateLimit.of(queue.getRateLimit().getMax(),
					queue.getRateLimit().getPeriod()));
		}
		for (QueueSettingsCustomizer customizer : this.customizers) {
			customizer.customize(name, builder);
		}
		try {
			return builder.build();
		}
		catch (InvalidQueueSettingException ex) {
			throw translate(ex, set);
		}
	}

	private RetryBackoff retryBackoff(String name, Queue queue, Defaults defaults) {
		withoutInitial(property(name, true, "exponential-backoff"), queue.getExponentialBackoff());
		withoutInitial(property(name, false, "exponential-backoff"), defaults.getExponentialBackoff());
		if (queue.getExponentialBackoff().getInitial() != null) {
			return exponential(property(name, true, "exponential-backoff"), queue.getExponentialBackoff());
		}
		if (queue.getRetryBackoff() != null) {
			return schedule(property(name, true, "retry-backoff"), queue.getRetryBackoff(), true);
		}
		if (defaults.getExponentialBackoff().getInitial() != null) {
			return exponential(property(name, false, "exponential-backoff"), defaults.getExponentialBackoff());
		}
		return schedule(property(name, false, "retry-backoff"), defaults.getRetryBackoff(), false);
	}

	/** Parts of an exponential backoff set without its initial delay would be ignored: refuse them. */
	private static void withoutInitial(String property, ExponentialBackoff backoff) {
		if (backoff.getInitial() != null || backoff.partsSet().isEmpty()) {
			return;
		}
		String part = property + "." + backoff.partsSet().get(0);
		throw new AsyncQueueConfigurationException(part,
				part + " is set but " + property + ".initial is not: it has no effect, as the exponential backoff is on "
						+ "only with initial (the delay after the first failure).",
				"Set " + property + ".initial (for example 1s) to turn the exponential backoff on, or remove " + part
						+ ".");
	}

	private static RetryBackoff schedule(String property, @Nullable List<Duration> delays, boolean onQueue) {
		if (delays == null || delays.isEmpty()) {
			throw new AsyncQueueConfigurationException(property,
					property + " is empty: a retry needs at least one delay.",
					"Give " + property + " at least one duration, such as [1s, 5s, 30s] (one element for a fixed delay)"
							+ (onQueue ? ", or remove it to use " + PREFIX + ".defaults.retry-backoff." : "."));
		}
		for (Duration delay : delays) {
			if (delay == null || delay.isNegative()) {
				throw new AsyncQueueConfigurationException(property,
						property + " holds a negative or missing delay: " + delays + ".",
						"Use zero or positive durations in " + property + ", such as [1s, 5s, 30s].");
			}
		}
		return (delays.size() == 1) ? RetryBackoff.fixed(delays.get(0)) : RetryBackoff.schedule(delays);
	}

	private static RetryBackoff exponential(String property, ExponentialBackoff backoff) {
		try {
			return RetryBackoff.exponential(backoff.getInitial(), backoff.getMultiplier(), backoff.getMax(),
					backoff.getJitter());
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw new AsyncQueueConfigurationException(property,
					property + " is invalid: " + ex.getMessage() + ".",
					"Set " + property + ".initial and .max to zero or positive durations, .multiplier to 1 or more "
							+ "and .jitter between 0 and 1.",
					ex);
		}
	}

	private static int bytes(String name, Set<String> set, DataSize size) {
		long bytes = size.toBytes();
		if (bytes > Integer.MAX_VALUE) {
			String property = property(name, set.contains("max-payload-size"), "max-payload-size");
			throw new AsyncQueueConfigurationException(property, property + " is " + size + ", more than 2GB.",
					"Set " + property + " to at most 2GB; Redis refuses values over 512MB anyway.");
		}
		return (int) bytes;
	}

	private static List<Class<? extends Throwable>> nonRetryable(String name, Set<String> set,
			List<Class<? extends Throwable>> types) {
		for (Class<?> type : types) {
			if (type == null || !Throwable.class.isAssignableFrom(type)) {
				String property = property(name, set.contains("non-retryable-exceptions"), "non-retryable-exceptions");
				throw new AsyncQueueConfigurationException(property,
						property + " lists " + ((type != null) ? type.getName() : "nothing") + ", which is not an exception.",
						"List only exception classes in " + property + ", such as java.lang.IllegalArgumentException.");
			}
		}
		return types;
	}

	/** {@link #pick} for a setting whose default may be unset: the engine then applies its own. */
	private static <T> @Nullable T pickOptional(Set<String> set, String setting, @Nullable T queueValue,
			@Nullable T defaultValue) {
		if (queueValue != null) {
			set.add(setting);
			return queueValue;
		}
		return defaultValue;
	}

	private static <T> T pick(Set<String> set, String setting, @Nullable T queueValue, T defaultValue) {
		if (queueValue != null) {
			set.add(setting);
			return queueValue;
		}
		return defaultValue;
	}

	static String property(String queue, boolean onQueue, String setting) {
		return onQueue ? queueProperty(queue) + "." + setting : PREFIX + ".defaults." + setting;
	}

	static String queueProperty(String queue) {
		return PREFIX + ".queues" + (SIMPLE_NAME.matcher(queue).matches() ? "." + queue : "[" + queue + "]");
	}

	static AsyncQueueConfigurationException translate(InvalidQueueSettingException ex, Set<String> setOnQueue) {
		String setting = ex.getSetting();
		String queue = ex.getQueue();
		if ("name".equals(setting)) {
			String property = queueProperty(String.valueOf(queue));
			return new AsyncQueueConfigurationException(property,
					"Queue name '" + queue + "' under " + PREFIX + ".queues is invalid: it " + ex.getRequirement() + ".",
					"Rename the queue under " + PREFIX + ".queues, using letters, digits, '-', '_', '.' and ':' (for example 'orders' or 'emails-high').", ex);
		}
		boolean onQueue = setOnQueue.contains(setting) || "channel".equals(setting);
		String property = property(String.valueOf(queue), onQueue, setting);
		String description = "Invalid async-queue configuration for queue '" + queue + "': " + property + " "
				+ ex.getRequirement() + ".";
		return new AsyncQueueConfigurationException(property, description, action(property, setting, ex, onQueue), ex);
	}

	private static String action(String property, String setting, InvalidQueueSettingException ex, boolean onQueue) {
		if (ex.getRequirement().contains("split among the queue's")) {
			String shards = property.substring(0, property.lastIndexOf('.') + 1) + "shards";
			String limit = setting.equals("rate-limit") ? property + ".max" : property;
			return "Set " + limit + " to at least the queue's shard count (each shard enforces its share of it), "
					+ "or lower " + shards + ".";
		}
		String action = switch (setting) {
			case "concurrency" -> "Set " + property + " to 1 or more; 1 runs the queue's jobs one at a time.";
			case "consumers" -> "Set " + property + " to 1 or more.";
			case "max-attempts" -> "Set " + property
					+ " to 1 or more; it counts every execution, the first included (Hyperf's maxAttempts N is N + 1 here).";
			case "handle-timeout" -> "Set " + property + " to a positive duration such as 30s, or 0 for no limit.";
			case "lease-duration" -> "Set " + property + " to at least 300ms; the default is 30s.";
			case "channel" -> "Give each queue its own " + PREFIX + ".queues.<name>.channel, a key prefix without braces.";
			case "global-concurrency" -> "Set " + property
					+ " to 1 or more (the most jobs of the queue running at once across every instance), or remove it.";
			case "group-concurrency" -> "Set " + property
					+ " to 1 or more (the most jobs of one group running at once across every instance), or remove it"
					+ " for 1.";
			case "rate-limit" -> "Set " + property + ".max to 1 or more and " + property
					+ ".period to at least 1ms (for example max: 100, period: 1s).";
			case "shards" -> "Set " + property + " between 1 (one Redis slot, the default) and "
					+ QueueSettings.MAX_SHARDS + ".";
			default -> "Change " + property + ": it " + ex.getRequirement() + ".";
		};
		if (!onQueue) {
			action += " It applies to every queue that does not set " + setting + " itself.";
		}
		return action;
	}

}
