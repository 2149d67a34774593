package io.asyncqueue.spring.transaction;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.spring.Job;
import io.asyncqueue.spring.QueueJob;

/**
 * Jobs of the transaction tests.
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

}
