package io.asyncqueue.spring.autoconfigure.transaction;

import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.Job;
import io.asyncqueue.spring.QueueJob;
import io.asyncqueue.spring.QueueTemplate;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;
import io.asyncqueue.spring.transaction.AfterCommitPushDeferral;
import io.asyncqueue.spring.transaction.OutboxRelay;
import io.asyncqueue.spring.transaction.PushDeferral;
import io.asyncqueue.spring.transaction.PushFailedAfterCommitCounter;
import io.asyncqueue.spring.transaction.QueueOutbox;
import io.asyncqueue.test.EmbeddedRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AsyncQueueTransactionAutoConfiguration}.
 */
@EmbeddedRedis
class AsyncQueueTransactionAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				AsyncQueueAutoConfiguration.class, AsyncQueueTransactionAutoConfiguration.class))
		.withPropertyValues("async-queue.consumer.enabled=false", "async-queue.queues.tx-runner.channel=tx:runner");

	private final ApplicationContextRunner withDatabase = this.runner
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:runner;DB_CLOSE_DELAY=-1");

	@Test
	void pushesFollowTheTransactionByDefault() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(AfterCommitPushDeferral.class));
	}

	@Test
	void relaxedSpellingsOfTheModeAreAccepted() {
		this.runner.withPropertyValues("async-queue.transaction-mode=AFTER_COMMIT")
			.run((context) -> assertThat(context).hasSingleBean(AfterCommitPushDeferral.class));
		this.runner.withPropertyValues("async-queue.transaction-mode=Immediate")
			.run((context) -> assertThat(context).doesNotHaveBean(PushDeferral.class));
	}

	@Test
	void immediateModePushesInsideATransactionAtOnce() {
		this.withDatabase.withPropertyValues("async-queue.transaction-mode=immediate").run((context) -> {
			assertThat(context).doesNotHaveBean(PushDeferral.class);
			QueueTemplate queueTemplate = context.getBean(QueueTemplate.class);
			RedisConnector redis = context.getBean(RedisConnector.class);
			String waiting = QueueKeys.of("tx:runner").waiting();
			redis.commands().del(waiting).get(10, TimeUnit.SECONDS);
			List<String> seenInside = new TransactionTemplate(context.getBean(PlatformTransactionManager.class))
				.execute((status) -> {
					String id = queueTemplate.push(RunnerJob.class, "now").id();
					status.setRollbackOnly();
					return List.of(id, String.valueOf(waitingIds(redis, waiting)));
				});
			assertThat(seenInside.get(1)).isEqualTo("[" + seenInside.get(0) + "]");
			assertThat(waitingIds(redis, waiting)).as("pushed even though the transaction rolled back")
				.containsExactly(seenInside.get(0));
		});
	}

	@Test
	void isSkippedWhenSpringTxIsNotOnClasspath() {
		this.runner.withPropertyValues("async-queue.outbox.enabled=true")
			.withClassLoader(new FilteredClassLoader(TransactionSynchronizationManager.class))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(QueueTemplate.class);
				assertThat(context).doesNotHaveBean(PushDeferral.class).doesNotHaveBean(QueueOutbox.class);
			});
	}

	@Test
	void outboxIsOffByDefault() {
		this.withDatabase.run((context) -> {
			assertThat(context).hasSingleBean(AfterCommitPushDeferral.class);
			assertThat(context).doesNotHaveBean(QueueOutbox.class).doesNotHaveBean(OutboxRelay.class);
		});
	}

	@Test
	void outboxIsOnWhenEnabledWithADataSource() {
		this.withDatabase.withPropertyValues("async-queue.outbox.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(QueueOutbox.class).hasSingleBean(OutboxRelay.class);
			assertThat(context.getBean(OutboxRelay.class).isRunning()).isTrue();
			assertThat(new JdbcTemplate(context.getBean(DataSource.class))
				.queryForObject("SELECT COUNT(*) FROM async_queue_outbox", Long.class)).as("table created").isZero();
		});
	}

	@Test
	void anOutboxEnabledWithoutADataSourceFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("async-queue.outbox.enabled=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("async-queue.outbox.enabled is true but the application has no single DataSource"));
	}

	@Test
	void anOutboxEnabledWithoutSpringJdbcFailsStartupToo() {
		this.withDatabase.withPropertyValues("async-queue.outbox.enabled=true")
			.withClassLoader(new FilteredClassLoader(JdbcTemplate.class))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("async-queue.outbox.enabled is true but the application has no single DataSource"));
	}

	@Test
	void withoutTheOutboxNoDataSourceIsNeeded() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(AfterCommitPushDeferral.class)
			.doesNotHaveBean(QueueOutbox.class));
	}

	@Test
	void leaseNotLongerThanTheRelayIntervalFailsStartupNamingTheProperty() {
		this.withDatabase
			.withPropertyValues("async-queue.outbox.enabled=true", "async-queue.outbox.relay-interval=5s",
					"async-queue.outbox.lease-duration=5s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(AsyncQueueConfigurationException.class)
				.hasMessageContaining("async-queue.outbox.lease-duration (PT5S) must be longer than")
				.satisfies((failure) -> assertThat(((AsyncQueueConfigurationException) failure).getProperty())
					.isEqualTo("async-queue.outbox.lease-duration")));
	}

	@Test
	void backsOffWhenUserDefinesAPushDeferral() {
		PushDeferral mine = (queue, requests) -> null;
		this.runner.withBean(PushDeferral.class, () -> mine).run((context) -> {
			assertThat(context).doesNotHaveBean(AfterCommitPushDeferral.class);
			assertThat(context.getBean(PushDeferral.class)).isSameAs(mine);
		});
	}

	@Test
	void countsLostPushesOnlyWithAMeterRegistry() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(PushFailedAfterCommitCounter.class));
		this.runner.withBean(SimpleMeterRegistry.class)
			.run((context) -> assertThat(context).hasSingleBean(PushFailedAfterCommitCounter.class));
	}

	private static List<String> waitingIds(RedisConnector redis, String waiting) {
		try {
			return redis.commands().lrange(waiting, 0, -1).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@QueueJob(queue = "tx-runner")
	static class RunnerJob implements Job<String> {

		@Override
		public void handle(String payload, JobContext context) {
		}

	}

}
