package io.asyncqueue.spring.autoconfigure.transaction;

import io.asyncqueue.spring.transaction.TransactionMode;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the pushes made inside a Spring-managed transaction.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("async-queue")
public class AsyncQueueTransactionProperties {

	/**
	 * When a push made through the QueueTemplate inside a Spring-managed transaction reaches Redis:
	 * after-commit (discarded on rollback) or immediate.
	 */
	private TransactionMode transactionMode = TransactionMode.AFTER_COMMIT;

	public TransactionMode getTransactionMode() {
		return this.transactionMode;
	}

	public void setTransactionMode(TransactionMode transactionMode) {
		this.transactionMode = transactionMode;
	}

}
