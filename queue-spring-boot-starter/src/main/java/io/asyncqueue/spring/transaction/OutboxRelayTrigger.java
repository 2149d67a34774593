package io.asyncqueue.spring.transaction;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Asks the relay to run once a transaction that wrote to the outbox has committed: the fast path, so
 * that a job waits for the relay's next round only when another instance holds its lease. Registered
 * once per transaction.
 */
final class OutboxRelayTrigger implements TransactionSynchronization {

	private final Runnable relayTrigger;

	/** Whether the transaction committed; only its own thread reads it. */
	private boolean committed;

	private OutboxRelayTrigger(Runnable relayTrigger) {
		this.relayTrigger = relayTrigger;
	}

	/**
	 * Register the trigger with the current transaction, once.
	 * @throws IllegalStateException when the transaction has already committed (a push from another
	 * synchronization's afterCommit), so that a row can no longer be part of it
	 */
	static void register(Runnable relayTrigger) {
		OutboxRelayTrigger trigger = (OutboxRelayTrigger) TransactionSynchronizationManager.getResource(relayTrigger);
		if (trigger == null) {
			trigger = new OutboxRelayTrigger(relayTrigger);
			TransactionSynchronizationManager.bindResource(relayTrigger, trigger);
			TransactionSynchronizationManager.registerSynchronization(trigger);
		}
		else if (trigger.committed) {
			throw new IllegalStateException("QueueOutbox needs a transaction that has not committed yet, and this "
					+ "push comes after the commit (from an afterCommit callback): push before the commit, or in a "
					+ "new transaction (REQUIRES_NEW)");
		}
	}

	// an inner REQUIRES_NEW transaction registers its own trigger
	@Override
	public void suspend() {
		TransactionSynchronizationManager.unbindResource(this.relayTrigger);
	}

	@Override
	public void resume() {
		TransactionSynchronizationManager.bindResource(this.relayTrigger, this);
	}

	@Override
	public void afterCommit() {
		this.committed = true;
		this.relayTrigger.run();
	}

	@Override
	public void afterCompletion(int status) {
		TransactionSynchronizationManager.unbindResourceIfPossible(this.relayTrigger);
	}

}
