package io.asyncqueue.core.redis;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * One consumer's own connection, on which it blocks until a job may be ready (or a durable push waits for
 * its replicas). Closing it from another thread ends a wait at once, which is how a stopping consumer is
 * woken. The connector closes it when it moves to another master; its user then opens another.
 *
 * @since 0.1.0
 */
public final class BlockingConnection implements AutoCloseable {

	private final StatefulConnection<String, String> connection;

	private final RedisClusterAsyncCommands<String, String> commands;

	BlockingConnection(StatefulConnection<String, String> connection,
			RedisClusterAsyncCommands<String, String> commands) {
		this.connection = connection;
		this.commands = commands;
	}

	/**
	 * Wait until the marker is signalled or the timeout passes.
	 * @param marker the marker key
	 * @param timeout the longest wait
	 * @return whether a signal was taken
	 * @throws InterruptedException when the thread is interrupted
	 * @throws ExecutionException when Redis fails or the connection is closed
	 */
	public boolean awaitSignal(String marker, Duration timeout) throws InterruptedException, ExecutionException {
		double seconds = Math.max(timeout.toMillis(), 1) / 1000.0;
		try {
			return this.commands.bzpopmin(seconds, marker)
				.toCompletableFuture()
				.get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS) != null;
		}
		catch (TimeoutException ex) {
			throw new ExecutionException("No answer to BZPOPMIN within " + timeout.plusSeconds(5), ex);
		}
	}

	/**
	 * The connection's own commands, for a caller that must not share the multiplexed connection: a durable
	 * push's {@code WAIT} blocks the connection it runs on until the replicas answer.
	 * @return the commands
	 * @since 0.2.0
	 */
	public RedisClusterAsyncCommands<String, String> commands() {
		return this.commands;
	}

	/** Whether the connection is open. */
	public boolean isOpen() {
		return this.connection.isOpen();
	}

	@Override
	public void close() {
		this.connection.closeAsync();
	}

}
