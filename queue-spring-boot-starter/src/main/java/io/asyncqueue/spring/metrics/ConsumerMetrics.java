package io.asyncqueue.spring.metrics;

import java.util.function.ToDoubleFunction;

import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.Queues;
import io.asyncqueue.spring.QueueContainer;
import io.asyncqueue.spring.QueueContainerRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Gauges of this instance's consumers, tagged {@code queue}: {@value #ACTIVE}, the jobs it is running now, and
 * {@value #PREFETCH}, how many jobs beyond its concurrency it may hold reserved now (the queue's {@code prefetch}
 * when set, else what it adapted to). Read from the consumer in memory on each scrape; {@code NaN} for a queue
 * this instance does not consume, and none at all in an application that consumes nothing
 * ({@code async-queue.consumer.enabled=false}).
 *
 * @since 0.7.0
 */
public class ConsumerMetrics implements MeterBinder {

	/** Jobs running in this instance. */
	public static final String ACTIVE = "asyncqueue.consumer.active";

	/** Jobs this instance may hold reserved beyond its concurrency. */
	public static final String PREFETCH = "asyncqueue.consumer.prefetch";

	private final Queues queues;

	private final @Nullable QueueContainerRegistry containers;

	/**
	 * Gauges of every declared queue's consumer.
	 * @param queues the declared queues
	 * @param containers the consumers, or {@code null} in an application that consumes nothing
	 */
	public ConsumerMetrics(Queues queues, @Nullable QueueContainerRegistry containers) {
		this.queues = queues;
		this.containers = containers;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		QueueContainerRegistry containers = this.containers;
		if (containers == null) {
			return;
		}
		for (QueueSettings queue : this.queues.all()) {
			gauge(registry, ACTIVE, "Jobs this instance is running now", containers, queue.name(),
					QueueContainer::getActiveJobs);
			gauge(registry, PREFETCH, "Jobs this instance may hold reserved beyond its concurrency now", containers,
					queue.name(), QueueContainer::getPrefetch);
		}
	}

	private static void gauge(MeterRegistry registry, String name, String description,
			QueueContainerRegistry containers, String queue, ToDoubleFunction<QueueContainer> value) {
		// the container is looked up on each read: the registry knows its containers only once every bean exists
		Gauge.builder(name, containers, (registered) -> {
			QueueContainer container = registered.getContainer(queue);
			return (container != null) ? value.applyAsDouble(container) : Double.NaN;
		}).description(description).tags("queue", queue).strongReference(true).register(registry);
	}

}
