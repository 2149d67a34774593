package io.asyncqueue.spring.autoconfigure.transaction;

import java.util.List;

import javax.sql.DataSource;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.QueueTemplate;
import io.asyncqueue.spring.transaction.OutboxRelay;
import io.asyncqueue.spring.transaction.QueueOutbox;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The outbox, when enabled and the application has one DataSource: its table's initializer, the
 * {@link QueueOutbox} and the {@link OutboxRelay}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ JdbcTemplate.class, DataSourceScriptDatabaseInitializer.class })
@ConditionalOnBooleanProperty(name = "async-queue.outbox.enabled")
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBean(QueueTemplate.class)
@EnableConfigurationProperties(AsyncQueueOutboxProperties.class)
class AsyncQueueOutboxConfiguration {

	/** Portable: H2 and PostgreSQL run it as it is. */
	static final String SCHEMA = "classpath:io/asyncqueue/spring/transaction/schema.sql";

	@Bean
	@ConditionalOnMissingBean(name = "asyncQueueOutboxInitializer")
	OutboxSchemaInitializer asyncQueueOutboxInitializer(DataSource dataSource,
			AsyncQueueOutboxProperties properties) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(List.of(SCHEMA));
		settings.setMode(properties.getInitializeSchema());
		settings.setContinueOnError(false);
		return new OutboxSchemaInitializer(dataSource, settings);
	}

	@Bean
	@ConditionalOnMissingBean
	OutboxRelay asyncQueueOutboxRelay(DataSource dataSource, QueueClient client, JobSerializer serializer,
			RedisConnector redis, AsyncQueueOutboxProperties properties) {
		validate(properties);
		return new OutboxRelay(dataSource, client, serializer, redis, properties.getKeyPrefix(),
				properties.getRelayInterval(), properties.getBatchSize(), properties.getLeaseDuration());
	}

	@Bean
	@ConditionalOnMissingBean
	QueueOutbox queueOutbox(QueueTemplate queueTemplate, JobSerializer serializer, DataSource dataSource,
			OutboxRelay relay) {
		return new QueueOutbox(queueTemplate, serializer, dataSource, relay::trigger);
	}

	private static void validate(AsyncQueueOutboxProperties properties) {
		if (properties.getRelayInterval().isNegative() || properties.getRelayInterval().isZero()) {
			throw new AsyncQueueConfigurationException("async-queue.outbox.relay-interval",
					"async-queue.outbox.relay-interval must be positive, was " + properties.getRelayInterval() + ".",
					"Set async-queue.outbox.relay-interval to a positive duration such as 1s.");
		}
		if (properties.getLeaseDuration().compareTo(properties.getRelayInterval()) <= 0) {
			throw new AsyncQueueConfigurationException("async-queue.outbox.lease-duration",
					"async-queue.outbox.lease-duration (" + properties.getLeaseDuration()
							+ ") must be longer than async-queue.outbox.relay-interval (" + properties.getRelayInterval()
							+ "), or the relay's lease expires between the rounds that renew it.",
					"Set async-queue.outbox.lease-duration to several relay intervals, such as 10s for 1s.");
		}
		if (properties.getBatchSize() < 1) {
			throw new AsyncQueueConfigurationException("async-queue.outbox.batch-size",
					"async-queue.outbox.batch-size must be at least 1, was " + properties.getBatchSize() + ".",
					"Set async-queue.outbox.batch-size to a positive number such as 100.");
		}
		if (properties.getKeyPrefix() == null || properties.getKeyPrefix().isBlank()) {
			throw new AsyncQueueConfigurationException("async-queue.outbox.key-prefix",
					"async-queue.outbox.key-prefix must not be empty.",
					"Set async-queue.outbox.key-prefix to a Redis key prefix such as async-queue:outbox.");
		}
	}

}
