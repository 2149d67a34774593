package io.asyncqueue.core.redis;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * One consumer's own connection, on which it blocks until a job may be ready. Closing it from
 * another thread ends a wait at once, which is how a stopping consumer is woken.
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

	/** Whether the connection is open. */
	public boolean isOpen() {
		return this.connection.isOpen();
	}

	@Override
	public void close() {
		this.connection.closeAsync();
	}

}
