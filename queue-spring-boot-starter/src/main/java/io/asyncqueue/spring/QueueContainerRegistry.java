package io.asyncqueue.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * The consumer containers of an application, one per queue that has jobs, started and stopped
 * together as one {@link SmartLifecycle} in a late {@link #DEFAULT_PHASE phase}: after the Redis
 * connection has started and before it stops. A stop fans out to every container in parallel and
 * calls back once all have stopped, so each queue gets its whole shutdown timeout.
 *
 * @since 0.1.0
 */
public class QueueContainerRegistry implements SmartLifecycle {

	/**
	 * The phase of the containers: late, so that they start after and stop before the Redis connection
	 * factory and other infrastructure.
	 */
	public static final int DEFAULT_PHASE = Integer.MAX_VALUE - 100;

	private final Map<String, QueueContainer> containers;

	private final ReentrantLock lifecycle = new ReentrantLock();

	private volatile boolean running;

	private int phase = DEFAULT_PHASE;

	/**
	 * A registry of the given containers.
	 * @param containers the containers, at most one per queue
	 */
	public QueueContainerRegistry(Collection<QueueContainer> containers) {
		Map<String, QueueContainer> byQueue = new LinkedHashMap<>();
		for (QueueContainer container : containers) {
			if (byQueue.putIfAbsent(container.getQueue(), container) != null) {
				throw new IllegalArgumentException("Two containers for queue '" + container.getQueue() + "'");
			}
		}
		this.containers = java.util.Collections.unmodifiableMap(byQueue);
	}

	/** Every container, in queue declaration order. */
	public Collection<QueueContainer> getContainers() {
		return this.containers.values();
	}

	/**
	 * The container of a queue.
	 * @param queue the queue's name
	 * @return its container, or {@code null} when this application does not consume that queue
	 */
	public @Nullable QueueContainer getContainer(String queue) {
		return this.containers.get(queue);
	}

	/** Start every container whose queue has {@code auto-startup} on. */
	@Override
	public void start() {
		this.lifecycle.lock();
		try {
			for (QueueContainer container : this.containers.values()) {
				if (container.isAutoStartup()) {
					container.start();
				}
			}
			this.running = true;
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	/** Stop every container in parallel and wait until all have stopped. */
	@Override
	public void stop() {
		CountDownLatch stopped = new CountDownLatch(1);
		stop(stopped::countDown);
		try {
			stopped.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Stop every container in parallel; run the callback once all have stopped.
	 * @param callback run once every container has stopped
	 */
	@Override
	public void stop(Runnable callback) {
		this.lifecycle.lock();
		try {
			this.running = false;
			List<QueueContainer> running = new ArrayList<>();
			for (QueueContainer container : this.containers.values()) {
				if (container.isRunning()) {
					running.add(container);
				}
			}
			if (running.isEmpty()) {
				callback.run();
				return;
			}
			AtomicInteger remaining = new AtomicInteger(running.size());
			for (QueueContainer container : running) {
				container.stop(() -> {
					if (remaining.decrementAndGet() == 0) {
						callback.run();
					}
				});
			}
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

	/**
	 * Set the phase.
	 * @param phase the phase
	 */
	public void setPhase(int phase) {
		this.phase = phase;
	}

	@Override
	public String toString() {
		return "QueueContainerRegistry[queues=" + this.containers.keySet() + ", running=" + this.running + "]";
	}

}
