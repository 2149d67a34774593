package io.asyncqueue.spring.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.asyncqueue.core.monitor.InstanceHeartbeat;
import io.asyncqueue.core.monitor.InstanceInfo.QueueLoad;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.spring.QueueContainer;
import io.asyncqueue.spring.QueueContainerRegistry;

import org.springframework.context.SmartLifecycle;

/**
 * Runs this instance's {@link InstanceHeartbeat} while its consumers run: it starts with the containers
 * and, in the same phase, stops with them, so the instance leaves the dashboard when it stops consuming.
 */
class InstanceHeartbeatLifecycle implements SmartLifecycle {

	private final InstanceHeartbeat heartbeat;

	private final QueueContainerRegistry containers;

	private volatile boolean running;

	InstanceHeartbeatLifecycle(RedisConnector redis, QueueContainerRegistry containers, Duration interval) {
		this.heartbeat = new InstanceHeartbeat(redis, () -> load(containers), interval);
		this.containers = containers;
	}

	private static List<QueueLoad> load(QueueContainerRegistry containers) {
		return containers.getContainers()
			.stream()
			.filter(QueueContainer::isRunning)
			.map((container) -> new QueueLoad(container.getQueue(), container.getSettings().concurrency(),
					container.getActiveJobs()))
			.toList();
	}

	/** The id this instance beats under. */
	String id() {
		return this.heartbeat.id();
	}

	/** Beat only when this application consumes something: one without jobs is no instance to list. */
	@Override
	public void start() {
		if (!this.containers.getContainers().isEmpty()) {
			this.heartbeat.start();
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.heartbeat.close();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return QueueContainerRegistry.DEFAULT_PHASE;
	}

}
