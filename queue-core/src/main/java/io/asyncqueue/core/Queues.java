package io.asyncqueue.core;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import io.asyncqueue.core.scripts.ShardLayout;

/**
 * The declared queues, by name.
 *
 * @since 0.1.0
 */
public final class Queues {

	private final Map<String, QueueSettings> byName;

	/**
	 * The given queues.
	 * @param queues the queues; names must be distinct
	 */
	public Queues(Collection<QueueSettings> queues) {
		Map<String, QueueSettings> byName = new LinkedHashMap<>();
		Map<String, String> byChannel = new LinkedHashMap<>();
		for (QueueSettings queue : queues) {
			if (byName.putIfAbsent(queue.name(), queue) != null) {
				throw new IllegalArgumentException("Queue '" + queue.name() + "' is declared twice");
			}
			// a sharded queue's other shards have channels of their own, which no other queue may use either
			for (String channel : ShardLayout.channels(queue.channel(), queue.shards())) {
				String other = byChannel.putIfAbsent(channel, queue.name());
				if (other != null) {
					throw new InvalidQueueSettingException(queue.name(), "channel",
							"must differ from queue '" + other + "''s channel '" + channel + "'");
				}
			}
		}
		this.byName = Map.copyOf(byName);
		this.ordered = java.util.List.copyOf(byName.values());
	}

	private final java.util.List<QueueSettings> ordered;

	/**
	 * The queues.
	 * @param queues the queues
	 * @return the registry
	 */
	public static Queues of(QueueSettings... queues) {
		return new Queues(java.util.List.of(queues));
	}

	/**
	 * A declared queue.
	 * @param name the name
	 * @return its settings
	 * @throws QueueException when no queue has that name
	 */
	public QueueSettings get(String name) {
		QueueSettings queue = this.byName.get(name);
		if (queue == null) {
			throw new QueueException("Unknown queue '" + name + "'; declared queues are " + this.byName.keySet()
					+ " (declare it under async-queue.queues." + name + ")");
		}
		return queue;
	}

	/** Whether a queue of that name is declared. */
	public boolean contains(String name) {
		return this.byName.containsKey(name);
	}

	/** Every queue, in declaration order. */
	public java.util.List<QueueSettings> all() {
		return this.ordered;
	}

}
