package io.asyncqueue.spring.autoconfigure.transaction;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/**
 * Configuration properties of the JDBC outbox.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("async-queue.outbox")
public class AsyncQueueOutboxProperties {

	/**
	 * Whether to enable the QueueOutbox and its relay (needs a DataSource and the async_queue_outbox table).
	 */
	private boolean enabled = false;

	/**
	 * Database initialization mode for the async_queue_outbox table.
	 */
	private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.EMBEDDED;

	/**
	 * Interval at which the relay pushes the rows left in the outbox, when no commit asked it to.
	 */
	private Duration relayInterval = Duration.ofSeconds(1);

	/**
	 * Maximum number of rows the relay reads and pushes at once.
	 */
	private int batchSize = 100;

	/**
	 * How long the relay's Redis lease outlives its holder's last round; another instance takes over the
	 * relay after it. Must be longer than the relay interval.
	 */
	private Duration leaseDuration = Duration.ofSeconds(10);

	/**
	 * Prefix of the Redis keys of the relay's lease and marks. Applications with outbox tables in different
	 * databases on one Redis need one each.
	 */
	private String keyPrefix = "async-queue:outbox";

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public DatabaseInitializationMode getInitializeSchema() {
		return this.initializeSchema;
	}

	public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
		this.initializeSchema = initializeSchema;
	}

	public Duration getRelayInterval() {
		return this.relayInterval;
	}

	public void setRelayInterval(Duration relayInterval) {
		this.relayInterval = relayInterval;
	}

	public int getBatchSize() {
		return this.batchSize;
	}

	public void setBatchSize(int batchSize) {
		this.batchSize = batchSize;
	}

	public Duration getLeaseDuration() {
		return this.leaseDuration;
	}

	public void setLeaseDuration(Duration leaseDuration) {
		this.leaseDuration = leaseDuration;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

}
