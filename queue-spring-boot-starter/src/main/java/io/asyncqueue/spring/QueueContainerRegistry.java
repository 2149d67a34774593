package io.asyncqueue.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.SmartLifecycle;

/**
 * The consumer containers of an application, one per queue that has jobs, started and stopped
 * together as one {@link SmartLifecycle} in a late {@link #DEFAULT_PHASE phase}: after the Redis
 * connection has started and before it stops. A stop fans out to every container in parallel and
 * calls back once all have stopped, so each queue gets its whole shutdown timeout.
 *
 * @since 0.1.0
 */
public class QueueContainerRegistry implements SmartLifecycle, SmartInitializingSingleton {

	/**
	 * The phase of the containers: late, so that they start after and stop before the Redis connection
	 * factory and other infrastructure.
	 */
	public static final int DEFAULT_PHASE = Integer.MAX_VALUE - 100;

	private final Supplier<? extends Collection<QueueContainer>> source;

	private volatile @Nullable Map<String, QueueContainer> containers;

	private final ReentrantLock lifecycle = new ReentrantLock();

	private volatile boolean running;

	private int phase = DEFAULT_PHASE;

	/**
	 * A registry of the given containers.
	 * @param containers the containers, at most one per queue
	 */
	public QueueContainerRegistry(Collection<QueueContainer> containers) {
		this.source = () -> containers;
		this.containers = byQueue(containers);
	}

	/**
	 * A registry whose containers are built once every singleton exists (or at first use, if earlier), so that
	 * the jobs of beans created after this registry, such as listener methods, are in them.
	 * @param containers builds the containers, at most one per queue
	 * @since 0.2.0
	 */
	public QueueContainerRegistry(Supplier<? extends Collection<QueueContainer>> containers) {
		this.source = containers;
	}

	private static Map<String, QueueContainer> byQueue(Collection<QueueContainer> containers) {
		Map<String, QueueContainer> byQueue = new LinkedHashMap<>();
		for (QueueContainer container : containers) {
			if (byQueue.putIfAbsent(container.getQueue(), container) != null) {
				throw new IllegalArgumentException("Two containers for queue '" + container.getQueue() + "'");
			}
		}
		return java.util.Collections.unmodifiableMap(byQueue);
	}

	/** Build the containers, now that every singleton, and so every listener method, is known. */
	@Override
	public void afterSingletonsInstantiated() {
		containers();
	}

	private Map<String, QueueContainer> containers() {
		Map<String, QueueContainer> containers = this.containers;
		if (containers != null) {
			return containers;
		}
		this.lifecycle.lock();
		try {
			if (this.containers == null) {
				this.containers = byQueue(this.source.get());
			}
			return this.containers;
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	/** Every container, in queue declaration order. */
	public Collection<QueueContainer> getContainers() {
		return containers().values();
	}

	/**
	 * The container of a queue.
	 * @param queue the queue's name
	 * @return its container, or {@code null} when this application does not consume that queue
	 */
	public @Nullable QueueContainer getContainer(String queue) {
		return containers().get(queue);
	}

	/** Start every container whose queue has {@code auto-startup} on. */
	@Override
	public void start() {
		this.lifecycle.lock();
		try {
			for (QueueContainer container : containers().values()) {
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
			// never built (a startup that failed before every singleton existed): nothing runs
			Map<String, QueueContainer> containers = this.containers;
			for (QueueContainer container : (containers != null) ? containers.values() : List.<QueueContainer>of()) {
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
		Map<String, QueueContainer> containers = this.containers;
		return "QueueContainerRegistry[queues=" + ((containers != null) ? containers.keySet() : "(not built yet)") + ", running=" + this.running + "]";
	}

}
