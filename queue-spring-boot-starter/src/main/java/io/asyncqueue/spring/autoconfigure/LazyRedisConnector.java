package io.asyncqueue.spring.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.asyncqueue.core.QueueException;
import io.asyncqueue.core.RedisUnavailableException;
import io.asyncqueue.core.redis.BlockingConnection;
import io.asyncqueue.core.redis.DirectConnection;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.redis.RedisFailures;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RedisConnector} that creates its client and connects on first use, so that the application
 * starts while Redis is down (consumers retry with backoff, pushes fail with a {@link QueueException}
 * until Redis is back). It owns the client it creates and shuts it down on {@link #close()}.
 *
 * <p>Callers never line up behind connect attempts: one attempt at a time runs on a thread of its own
 * and every caller waits for that same attempt. Once an attempt has failed, Redis is known to be in
 * trouble, so callers fail fast: for {@link #RETRY_AFTER} they get the failure without a new attempt,
 * and then they wait at most {@link #WAIT_FOR_CONNECT} for the next one (which may hang for the
 * connect timeout) before they fail.
 */
final class LazyRedisConnector extends RedisConnector {

	/** After a failed attempt, how long a caller waits for the next one before it fails. */
	static final Duration WAIT_FOR_CONNECT = Duration.ofMillis(250);

	/** How long after a failed attempt callers get its failure rather than a new attempt. */
	static final Duration RETRY_AFTER = Duration.ofSeconds(1);

	private final LettuceClientFactory factory;

	private final Supplier<AbstractRedisClient> clientSupplier;

	private final @Nullable ClientResources ownedResources;

	private final ReentrantLock lock = new ReentrantLock();

	private volatile @Nullable RedisConnector delegate;

	private @Nullable AbstractRedisClient client;

	private @Nullable CompletableFuture<RedisConnector> attempt;

	private @Nullable QueueException lastFailure;

	private long lastFailureAt;

	private volatile boolean closed;

	LazyRedisConnector(LettuceClientFactory factory, Supplier<AbstractRedisClient> clientSupplier,
			@Nullable ClientResources ownedResources) {
		this.factory = factory;
		this.clientSupplier = clientSupplier;
		this.ownedResources = ownedResources;
	}

	@Override
	public RedisClusterAsyncCommands<String, String> commands() {
		return delegate().commands();
	}

	@Override
	public BlockingConnection openBlockingConnection() {
		return delegate().openBlockingConnection();
	}

	/** None until connected: a push then goes the usual way, which waits for the connect or reports its failure. */
	@Override
	public @Nullable DirectConnection direct() {
		RedisConnector connected = this.delegate;
		return (connected != null) ? connected.direct() : null;
	}

	private RedisConnector delegate() {
		RedisConnector delegate = this.delegate;
		if (delegate != null) {
			return delegate;
		}
		CompletableFuture<RedisConnector> attempt;
		boolean failedBefore;
		this.lock.lock();
		try {
			if (this.closed) {
				throw new QueueException("The async-queue Redis connection is closed (the application is stopping)");
			}
			delegate = this.delegate;
			if (delegate != null) {
				return delegate;
			}
			QueueException failure = this.lastFailure;
			failedBefore = failure != null;
			if (this.attempt == null) {
				if (failure != null && System.nanoTime() - this.lastFailureAt < RETRY_AFTER.toNanos()) {
					// a new exception, so that the stack trace is this caller's
					throw RedisFailures.typed(failure.getMessage() + " (the last attempt, less than "
							+ RETRY_AFTER.toMillis() + "ms ago; the next is made after that)", failure.getCause());
				}
				this.attempt = startAttempt();
			}
			attempt = this.attempt;
		}
		finally {
			this.lock.unlock();
		}
		return await(attempt, failedBefore);
	}

	private CompletableFuture<RedisConnector> startAttempt() {
		if (this.client == null) {
			this.client = this.clientSupplier.get();
		}
		AbstractRedisClient client = this.client;
		CompletableFuture<RedisConnector> attempt = new CompletableFuture<>();
		Thread connecting = new Thread(() -> connect(client, attempt), "async-queue-redis-connect");
		connecting.setDaemon(true);
		connecting.start();
		return attempt;
	}

	private void connect(AbstractRedisClient client, CompletableFuture<RedisConnector> attempt) {
		RedisConnector connected = null;
		QueueException failure = null;
		try {
			connected = (client instanceof RedisClusterClient cluster) ? RedisConnector.of(cluster)
					: RedisConnector.of((RedisClient) client, this.factory.uris().get(0));
		}
		catch (RuntimeException ex) {
			// a refused password or certificate is permanent, a refused connection is an outage: typed apart
			failure = RedisFailures.typed(
					ConnectFailureDescription.describe(ex, this.factory.description(), this.factory.username()), ex);
		}
		this.lock.lock();
		try {
			this.attempt = null;
			if (failure != null) {
				this.lastFailure = failure;
				this.lastFailureAt = System.nanoTime();
			}
			else if (this.closed) {
				connected.close();
				failure = new QueueException("The async-queue Redis connection is closed (the application is stopping)");
			}
			else {
				this.lastFailure = null;
				this.delegate = connected;
			}
		}
		finally {
			this.lock.unlock();
		}
		if (failure != null) {
			attempt.completeExceptionally(failure);
		}
		else {
			attempt.complete(connected);
		}
	}

	private RedisConnector await(CompletableFuture<RedisConnector> attempt, boolean failedBefore) {
		try {
			// the first attempt is waited for whole: at startup Lettuce's first connect may take a while
			return failedBefore ? attempt.get(WAIT_FOR_CONNECT.toMillis(), TimeUnit.MILLISECONDS) : attempt.get();
		}
		catch (TimeoutException ex) {
			throw new RedisUnavailableException("Not connected to Redis at " + this.factory.description()
					+ ": a connect attempt is in progress (the previous one failed); retry later", ex, false);
		}
		catch (ExecutionException ex) {
			QueueException failure = (QueueException) ex.getCause();
			throw RedisFailures.typed(failure.getMessage(), failure.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new QueueException("Interrupted while connecting to Redis at " + this.factory.description(), ex);
		}
	}

	/** Whether the connection has been opened. */
	boolean isConnected() {
		return this.delegate != null;
	}

	@Override
	public void close() {
		this.lock.lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
			RedisConnector delegate = this.delegate;
			if (delegate != null) {
				delegate.close();
			}
			if (this.client != null) {
				this.client.shutdown(Duration.ZERO, this.factory.shutdownTimeout());
			}
			if (this.ownedResources != null) {
				this.ownedResources.shutdown();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public String toString() {
		return "LazyRedisConnector[" + this.factory.description() + ", connected=" + isConnected() + "]";
	}

}
