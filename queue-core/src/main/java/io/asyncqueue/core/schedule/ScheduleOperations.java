package io.asyncqueue.core.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.QueueException;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.redis.RedisFailures;
import io.asyncqueue.core.scripts.ScheduleScripts;

/**
 * What an operator does to recurring jobs, from any process (an application's actuator endpoint, the CLI):
 * list a queue's schedules with their last and next ticks, pause, resume and trigger one now. Every change is
 * stored in the schedule's Redis hash, so every instance's {@link QueueScheduler} obeys it, within its
 * {@linkplain QueueScheduler#POLL_INTERVAL poll interval}.
 *
 * @since 0.2.0
 */
public final class ScheduleOperations {

	private final RedisConnector redis;

	private final Queues queues;

	/**
	 * Operations on the schedules of the given queues.
	 * @param redis the connector
	 * @param queues the queues
	 */
	public ScheduleOperations(RedisConnector redis, Queues queues) {
		this.redis = redis;
		this.queues = queues;
	}

	/**
	 * The schedules registered on a queue by any instance, by name.
	 * @param queue the queue
	 * @return their states
	 */
	public List<ScheduleState> schedules(String queue) {
		QueueSettings settings = this.queues.get(queue);
		List<String> names = new ArrayList<>(new TreeSet<>(
				join(this.redis.commands().smembers(ScheduleScripts.index(settings)).toCompletableFuture())));
		List<CompletableFuture<Map<String, String>>> hashes = new ArrayList<>();
		for (String name : names) {
			hashes.add(this.redis.commands().hgetall(ScheduleScripts.state(settings, name)).toCompletableFuture());
		}
		List<ScheduleState> states = new ArrayList<>();
		for (int i = 0; i < names.size(); i++) {
			states.add(ScheduleState.of(names.get(i), queue, join(hashes.get(i))));
		}
		return states;
	}

	/**
	 * One schedule.
	 * @param queue its queue
	 * @param name the schedule
	 * @return its state, or {@code null} when no instance registered it
	 */
	public ScheduleState schedule(String queue, String name) {
		QueueSettings settings = this.queues.get(queue);
		if (!isRegistered(settings, name)) {
			return null;
		}
		return ScheduleState.of(name, queue,
				join(this.redis.commands().hgetall(ScheduleScripts.state(settings, name)).toCompletableFuture()));
	}

	/**
	 * Stop pushing the schedule's ticks on every instance; what happens to the ticks missed meanwhile is
	 * its misfire policy's decision once it is resumed.
	 * @param queue its queue
	 * @param name the schedule
	 * @return whether it was running before
	 * @throws QueueException when no instance registered the schedule
	 */
	public boolean pause(String queue, String name) {
		return join(this.redis.commands().hsetnx(key(queue, name), "paused", "1").toCompletableFuture());
	}

	/**
	 * Push the schedule's ticks again.
	 * @param queue its queue
	 * @param name the schedule
	 * @return whether it was paused before
	 * @throws QueueException when no instance registered the schedule
	 */
	public boolean resume(String queue, String name) {
		return join(this.redis.commands().hdel(key(queue, name), "paused").toCompletableFuture()) == 1L;
	}

	/**
	 * Ask for one job of the schedule now, paused or not: the first instance to look (within a second while
	 * one runs) pushes it, once.
	 * @param queue its queue
	 * @param name the schedule
	 * @return whether this is a new request (not one already waiting for an instance)
	 * @throws QueueException when no instance registered the schedule
	 */
	public boolean trigger(String queue, String name) {
		return join(this.redis.commands().hsetnx(key(queue, name), "trigger", PushOptions.newJobId())
			.toCompletableFuture());
	}

	private String key(String queue, String name) {
		QueueSettings settings = this.queues.get(queue);
		if (!isRegistered(settings, name)) {
			throw new QueueException("No schedule '" + name + "' on queue '" + queue + "'; its schedules are "
					+ join(this.redis.commands().smembers(ScheduleScripts.index(settings)).toCompletableFuture()));
		}
		return ScheduleScripts.state(settings, name);
	}

	private boolean isRegistered(QueueSettings settings, String name) {
		return join(this.redis.commands().sismember(ScheduleScripts.index(settings), name).toCompletableFuture());
	}

	private static <T> T join(CompletableFuture<T> future) {
		return RedisFailures.join(future);
	}

}
