package io.asyncqueue.core.scripts;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import io.asyncqueue.core.PushNotReplicatedException;
import io.asyncqueue.core.QueueException;
import io.asyncqueue.core.redis.BlockingConnection;
import io.asyncqueue.core.redis.RedisConnector;

/**
 * Durable pushes: each push call is followed, on the same connection, by {@code WAIT replicas timeout}, and
 * confirmed only when that many replicas acknowledged it. {@code WAIT} counts the writes of the connection
 * it runs on and blocks that connection meanwhile, so pushes get a connection of their own: the shared one
 * keeps serving fetches and settles while a push waits for its replicas. The batcher sends one push call at
 * a time, so one connection per queue is enough.
 */
final class ReplicaWait {

	private final RedisConnector redis;

	private final String queue;

	private final int replicas;

	private final Duration timeout;

	private final ReentrantLock lock = new ReentrantLock();

	private BlockingConnection connection;

	ReplicaWait(RedisConnector redis, String queue, int replicas, Duration timeout) {
		this.redis = redis;
		this.queue = queue;
		this.replicas = replicas;
		this.timeout = timeout;
	}

	/** The pushes' own connection, opened again when the connector closed it (a new master). */
	RedisClusterAsyncCommands<String, String> commands() {
		this.lock.lock();
		try {
			if (this.connection == null || !this.connection.isOpen()) {
				this.connection = this.redis.openBlockingConnection();
			}
			RedisClusterAsyncCommands<String, String> commands = this.connection.commands();
			if (commands instanceof RedisAdvancedClusterAsyncCommands) {
				throw new QueueException("Queue '" + this.queue + "' has replicas=" + this.replicas
						+ " (durable pushes), which a Redis Cluster connection cannot honour yet: Lettuce sends WAIT to "
						+ "another node than the push. Set replicas to 0 for this queue, or use a standalone or Sentinel "
						+ "Redis");
			}
			return commands;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Send WAIT once the push call has answered, on the same connection, and confirm the push only when enough
	 * replicas have it. Not pipelined behind the call: when the script is not cached yet the push is an EVAL
	 * sent after the failed EVALSHA, and a WAIT sent before it would not cover it.
	 */
	CompletableFuture<List<Object>> confirm(RedisClusterAsyncCommands<String, String> commands,
			CompletableFuture<List<Object>> push) {
		return push.thenCompose((reply) -> commands.waitForReplication(this.replicas, this.timeout.toMillis())
			.toCompletableFuture()
			.thenApply((replicasWithIt) -> {
				if (replicasWithIt < this.replicas) {
					throw new PushNotReplicatedException("Push to queue '" + this.queue + "' written on the primary but "
							+ "acknowledged by " + replicasWithIt + " of " + this.replicas + " replicas within "
							+ this.timeout.toMillis() + "ms; it may be lost on failover (pushing it again is safe with a "
							+ "unique id, otherwise the job may run twice)", replicasWithIt.intValue(), this.replicas);
				}
				return reply;
			}));
	}

}
