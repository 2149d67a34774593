package io.asyncqueue.spring.transaction;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.QueueKeys;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.spring.Job;
import io.asyncqueue.spring.QueueJob;

/**
 * Jobs of the transaction tests, and what their queues hold in Redis.
 */
final class TransactionTestJobs {

	private TransactionTestJobs() {
	}

	record Ship(long orderId) {
	}

	@QueueJob(queue = "tx-orders")
	static class ShipJob implements Job<Ship> {

		@Override
		public void handle(Ship payload, JobContext context) {
		}

	}

	@QueueJob(queue = "tx-mail")
	static class MailJob implements Job<String> {

		@Override
		public void handle(String payload, JobContext context) {
		}

	}

	/** Delete every key of these channels. */
	static void empty(RedisConnector redis, String... channels) {
		try {
			for (String channel : channels) {
				redis.commands().del(QueueKeys.of(channel).all().toArray(String[]::new)).get(10, TimeUnit.SECONDS);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The ids waiting in a queue's channel, oldest first. */
	static List<String> waiting(RedisConnector redis, String channel) {
		try {
			return redis.commands().lrange(QueueKeys.of(channel).waiting(), 0, -1).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
