package io.asyncqueue.spring.transaction;

/**
 * When a push made through the {@link io.asyncqueue.spring.QueueTemplate} inside a Spring-managed
 * transaction reaches Redis.
 *
 * @since 0.1.0
 */
public enum TransactionMode {

	/**
	 * After the transaction commits, all its pushes together; none when it rolls back. A job never runs
	 * before the data it needs is committed.
	 */
	AFTER_COMMIT,

	/**
	 * At once, as outside a transaction: a job may run before its data is committed, and runs even when
	 * the transaction rolls back.
	 */
	IMMEDIATE

}
