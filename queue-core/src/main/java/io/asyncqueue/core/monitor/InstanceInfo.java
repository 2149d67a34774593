package io.asyncqueue.core.monitor;

import java.time.Instant;
import java.util.List;

/**
 * What one consuming instance (one JVM) said about itself in its latest heartbeat.
 *
 * @param id the instance's id, unique per start
 * @param host its host name
 * @param pid its process id
 * @param startedAt when its heartbeat started
 * @param beatAt when it wrote this heartbeat (its own clock)
 * @param queues the queues it consumes, with their load
 * @since 0.2.0
 */
public record InstanceInfo(String id, String host, long pid, Instant startedAt, Instant beatAt, List<QueueLoad> queues) {

	/** The total number of jobs the instance is running now. */
	public int runningJobs() {
		return this.queues.stream().mapToInt(QueueLoad::running).sum();
	}

	/**
	 * One queue an instance consumes.
	 *
	 * @param queue the queue's name
	 * @param concurrency the most jobs of it the instance runs at once
	 * @param running the jobs of it the instance is running now
	 */
	public record QueueLoad(String queue, int concurrency, int running) {
	}

}
