package io.asyncqueue.core;

/**
 * A push was refused because an operator closed the queue for pushes (the producer gate, Hyperf
 * users' {@code safePush} switch for rolling restarts). Nothing was written.
 *
 * @since 0.1.0
 */
public class QueueClosedException extends QueueException {

	public QueueClosedException(String queue) {
		super("Queue '" + queue + "' is closed for pushes; nothing was written. Retry later, or reopen it with "
				+ "QueueOperations.openPushes(\"" + queue + "\") (actuator: POST /actuator/asyncqueue/" + queue
				+ " {\"action\":\"open-pushes\"})");
	}

}
