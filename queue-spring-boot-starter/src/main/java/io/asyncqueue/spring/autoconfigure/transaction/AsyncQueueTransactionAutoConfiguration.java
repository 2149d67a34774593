package io.asyncqueue.spring.autoconfigure.transaction;

import javax.sql.DataSource;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;
import io.asyncqueue.spring.transaction.AfterCommitPushDeferral;
import io.asyncqueue.spring.transaction.PushDeferral;
import io.asyncqueue.spring.transaction.PushFailedAfterCommitCounter;
import io.asyncqueue.spring.transaction.TransactionMode;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for pushes
 * that follow the Spring transaction: with spring-tx on the classpath and
 * {@code async-queue.transaction-mode=after-commit} (the default), the {@link io.asyncqueue.spring.QueueTemplate}
 * holds the pushes made inside a transaction until it commits. With {@code async-queue.outbox.enabled=true}
 * and a {@link javax.sql.DataSource}, also the {@link io.asyncqueue.spring.transaction.QueueOutbox} and its
 * relay.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = AsyncQueueAutoConfiguration.class,
		afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(TransactionSynchronizationManager.class)
@ConditionalOnBean(QueueClient.class)
@EnableConfigurationProperties(AsyncQueueTransactionProperties.class)
@Import(AsyncQueueOutboxConfiguration.class)
public final class AsyncQueueTransactionAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(PushDeferral.class)
	@Conditional(AfterCommitModeCondition.class)
	AfterCommitPushDeferral asyncQueuePushDeferral(QueueClient client, JobSerializer serializer,
			ApplicationEventPublisher eventPublisher) {
		return new AfterCommitPushDeferral(client, serializer, eventPublisher);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PushFailedAfterCommitCounter asyncQueuePushFailedAfterCommitCounter(MeterRegistry registry) {
			return new PushFailedAfterCommitCounter(registry);
		}

	}

	/** The mode as bound, so that every relaxed spelling ({@code after-commit}, {@code AFTER_COMMIT}) counts. */
	static class AfterCommitModeCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			TransactionMode mode = Binder.get(context.getEnvironment())
				.bind("async-queue.transaction-mode", TransactionMode.class)
				.orElse(TransactionMode.AFTER_COMMIT);
			return (mode == TransactionMode.AFTER_COMMIT)
					? ConditionOutcome.match("async-queue.transaction-mode is after-commit")
					: ConditionOutcome.noMatch("async-queue.transaction-mode is " + mode);
		}

	}

	/**
	 * {@code async-queue.outbox.enabled} with no outbox to give: no single DataSource, or no spring-jdbc. Ignoring it
	 * would leave the application pushing straight to Redis while its configuration says otherwise.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "async-queue.outbox.enabled")
	@Conditional(OutboxUnusable.class)
	static class OutboxWithoutDatabaseConfiguration {

		OutboxWithoutDatabaseConfiguration() {
			throw new AsyncQueueConfigurationException("async-queue.outbox.enabled",
					"async-queue.outbox.enabled is true but the application has no single DataSource with spring-jdbc: "
							+ "the outbox keeps its rows in the application's database",
					"Add spring-boot-starter-jdbc and one DataSource (or mark one @Primary), or set "
							+ "async-queue.outbox.enabled=false");
		}

	}

	/** Matches unless the outbox has what it needs: spring-jdbc and one DataSource. */
	static class OutboxUnusable extends NoneNestedConditions {

		OutboxUnusable() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnClass(name = { "org.springframework.jdbc.core.JdbcTemplate",
				"org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer" })
		@ConditionalOnSingleCandidate(DataSource.class)
		static class Usable {

		}

	}

}
