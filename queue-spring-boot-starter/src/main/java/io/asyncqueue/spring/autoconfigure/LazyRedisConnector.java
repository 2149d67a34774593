package io.asyncqueue.spring.autoconfigure;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.asyncqueue.core.QueueException;
import io.asyncqueue.core.redis.BlockingConnection;
import io.asyncqueue.core.redis.RedisConnector;
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
 */
final class LazyRedisConnector extends RedisConnector {

	private final LettuceClientFactory factory;

	private final Supplier<AbstractRedisClient> clientSupplier;

	private final @Nullable ClientResources ownedResources;

	private final ReentrantLock lock = new ReentrantLock();

	private volatile @Nullable RedisConnector delegate;

	private @Nullable AbstractRedisClient client;

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

	private RedisConnector delegate() {
		RedisConnector delegate = this.delegate;
		if (delegate != null) {
			return delegate;
		}
		this.lock.lock();
		try {
			if (this.closed) {
				throw new QueueException("The async-queue Redis connection is closed (the application is stopping)");
			}
			delegate = this.delegate;
			if (delegate == null) {
				if (this.client == null) {
					this.client = this.clientSupplier.get();
				}
				try {
					delegate = (this.client instanceof RedisClusterClient cluster) ? RedisConnector.of(cluster)
							: RedisConnector.of((RedisClient) this.client, this.factory.uris().get(0));
				}
				catch (RuntimeException ex) {
					throw new QueueException(
							"Could not connect to Redis at " + this.factory.description() + ": " + ex.getMessage(), ex);
				}
				this.delegate = delegate;
			}
			return delegate;
		}
		finally {
			this.lock.unlock();
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
				this.client.shutdown(java.time.Duration.ZERO, this.factory.shutdownTimeout());
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
