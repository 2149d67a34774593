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

	private OutboxRelayTrigger(Runnable relayTrigger) {
		this.relayTrigger = relayTrigger;
	}

	static void register(Runnable relayTrigger) {
		if (TransactionSynchronizationManager.getResource(relayTrigger) == null) {
			OutboxRelayTrigger trigger = new OutboxRelayTrigger(relayTrigger);
			TransactionSynchronizationManager.bindResource(relayTrigger, trigger);
			TransactionSynchronizationManager.registerSynchronization(trigger);
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
		this.relayTrigger.run();
	}

	@Override
	public void afterCompletion(int status) {
		TransactionSynchronizationManager.unbindResourceIfPossible(this.relayTrigger);
	}

}
