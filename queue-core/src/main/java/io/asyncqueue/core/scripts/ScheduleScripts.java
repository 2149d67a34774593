package io.asyncqueue.core.scripts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.redis.RedisConnector;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * The Redis contract of recurring jobs: where a schedule's state lives and the one script that claims a tick
 * and pushes its job together ({@code prelude.lua}, {@code push.lua} as a function, then
 * {@code schedule-tick.lua}, composed the way {@link GuardedPushes} composes a guarded push).
 *
 * <p>A schedule's keys share its queue's hash tag, so the claim and the push touch one Redis Cluster slot:
 * {@code {channel}:schedules} (a set of the queue's schedule names) and {@code {channel}:schedule:<name>}, a hash
 * of {@code last} (the last tick claimed, epoch ms), {@code next}, {@code fired} and {@code job} (the last tick
 * that pushed and its job), {@code pushes}, {@code missed}, {@code triggered} (counters), {@code paused},
 * {@code trigger} (a pending trigger-now request) and what the schedule is ({@code spec}, {@code job-name},
 * {@code misfire}).
 *
 * <p>Engine-internal, like the rest of this package.
 *
 * @since 0.2.0
 */
public final class ScheduleScripts {

	private static final RedisScript TICK = RedisScript.of("schedule-tick",
			RedisScript.source("prelude") + "\nlocal function push_one(ARGV)\n" + RedisScript.source("push") + "\nend\n"
					+ RedisScript.source("schedule-tick"),
			ScriptOutputType.MULTI);

	private final RedisConnector redis;

	/** Per durable queue ({@code replicas} above 0): the claims' own connection and their {@code WAIT}. */
	private final Map<String, ReplicaWait> replicaWaits = new ConcurrentHashMap<>();

	/**
	 * The schedule scripts over one connector.
	 * @param redis the connector
	 */
	public ScheduleScripts(RedisConnector redis) {
		this.redis = redis;
	}

	/**
	 * The set of a queue's schedule names.
	 * @param settings the queue
	 * @return {@code {channel}:schedules}
	 */
	public static String index(QueueSettings settings) {
		return "{" + settings.channel() + "}:schedules";
	}

	/**
	 * The hash of one schedule's state.
	 * @param settings the schedule's queue
	 * @param name the schedule
	 * @return {@code {channel}:schedule:<name>}
	 */
	public static String state(QueueSettings settings, String name) {
		return "{" + settings.channel() + "}:schedule:" + name;
	}

	/**
	 * Claim a tick (or run a trigger-now request) and push its job, in one step. On a queue with durable pushes
	 * ({@code replicas} above 0) a claim is confirmed like any push of the queue: on a connection of its own, once
	 * {@code WAIT} says that many replicas have it.
	 * @param settings the queue the job goes to
	 * @param name the schedule
	 * @param claim what to claim
	 * @param record the job, pushed only when the claim says so
	 * @return what Redis did; a {@link io.asyncqueue.core.PushNotReplicatedException} when the claim was made
	 * (and its job pushed) on the primary but too few replicas acknowledged it in time
	 */
	public CompletableFuture<ClaimReply> claim(QueueSettings settings, String name, Claim claim, PushRecord record) {
		List<String> queueKeys = QueueKeys.of(settings.channel()).all();
		String[] keys = new String[queueKeys.size() + 1];
		queueKeys.toArray(keys);
		keys[queueKeys.size()] = state(settings, name);
		List<String> args = new ArrayList<>(12);
		args.add(Integer.toString(queueKeys.size()));
		args.add(claim.action().value);
		args.add(claim.expected());
		args.add(Long.toString(claim.tick()));
		args.add((claim.following() != null) ? Long.toString(claim.following()) : "");
		args.add(claim.push() ? "1" : "0");
		args.add(Long.toString(claim.missed()));
		args.addAll(List.of(record.arguments()));
		try {
			if (settings.replicas() == 0) {
				return TICK.<List<Object>>run(this.redis.commands(), keys, args.toArray(String[]::new))
					.thenApply(ClaimReply::of);
			}
			ReplicaWait wait = this.replicaWaits.computeIfAbsent(settings.name(),
					(queue) -> new ReplicaWait(this.redis, queue, settings.replicas(), settings.replicaTimeout()));
			RedisClusterAsyncCommands<String, String> own = wait.commands();
			// only a claim writes: a stale, paused or closed answer has nothing to wait for
			return TICK.<List<Object>>run(own, keys, args.toArray(String[]::new))
				.thenCompose((reply) -> ClaimReply.of(reply).claimed()
						? wait.confirm(own, CompletableFuture.completedFuture(reply)) : CompletableFuture.completedFuture(reply))
				.thenApply(ClaimReply::of);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Record what a schedule is, for operators that list a queue's schedules without the application.
	 * @param settings the queue
	 * @param name the schedule
	 * @param description its fields ({@code spec}, {@code job-name}, {@code misfire})
	 * @return done
	 */
	public CompletableFuture<Void> register(QueueSettings settings, String name, Map<String, String> description) {
		try {
			return this.redis.commands()
				.sadd(index(settings), name)
				.toCompletableFuture()
				.thenCompose((added) -> this.redis.commands().hset(state(settings, name), description).toCompletableFuture())
				.thenApply((changed) -> null);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/** What a claim does. */
	public enum Action {

		/** Claim a tick, pushing its job or not. */
		TICK("tick"),

		/** Start a schedule seen for the first time: its last tick is now, nothing is pushed. */
		INIT("init"),

		/** Run a pending trigger-now request: push one job at once. */
		TRIGGER("trigger");

		private final String value;

		Action(String value) {
			this.value = value;
		}

	}

	/**
	 * One claim.
	 * @param action what to do
	 * @param expected the last tick the caller read ({@code ""} for none), or the trigger request it runs
	 * @param tick the tick claimed (epoch ms)
	 * @param following the tick after it, or {@code null} when the schedule never fires again
	 * @param push whether to push the job
	 * @param missed ticks this claim passes over without a job of their own
	 */
	public record Claim(Action action, String expected, long tick, Long following, boolean push, long missed) {
	}

	/**
	 * What Redis did with a claim.
	 * @param outcome {@code claimed}, {@code stale} (another instance moved first), {@code paused} or
	 * {@code closed} (pushes to the queue are closed)
	 * @param value the job pushed ({@code ""} for none) when claimed; what the schedule holds when stale
	 */
	public record ClaimReply(String outcome, String value) {

		static ClaimReply of(List<Object> reply) {
			return new ClaimReply((String) reply.get(0), (reply.size() > 1) ? (String) reply.get(1) : "");
		}

		/** Whether the claim went through. */
		public boolean claimed() {
			return "claimed".equals(this.outcome);
		}

	}

}
