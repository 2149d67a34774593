package io.asyncqueue.spring;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.JobHandler;

/**
 * A job: a Spring bean annotated with {@link QueueJob @QueueJob} that handles payloads of type
 * {@code T}. The payload type is read from the generic type argument, so records and nested generics
 * ({@code Job<List<OrderLine>>}) work.
 *
 * <pre>{@code
 * @QueueJob(queue = "orders")
 * class CreateOrderJob implements Job<CreateOrder> {
 *
 *     private final OrderRepository orders;
 *
 *     CreateOrderJob(OrderRepository orders) {
 *         this.orders = orders;
 *     }
 *
 *     @Override
 *     public void handle(CreateOrder order, JobContext context) {
 *         this.orders.createOnce(context.id(), order);
 *     }
 *
 * }
 * }</pre>
 *
 * <p>Returning normally acknowledges the job; throwing fails the attempt, which is retried after the
 * queue's backoff while attempts remain and then parked in {@code failed}. Delivery is at least once:
 * make handlers idempotent, for example with {@link JobContext#id()}, which is the same on every
 * attempt.
 *
 * @param <T> the payload type
 * @since 0.1.0
 */
@FunctionalInterface
public interface Job<T> extends JobHandler<T> {

	/**
	 * Handle one job.
	 * @param payload the payload as pushed
	 * @param context the job's id, queue and attempt, and explicit outcomes such as
	 * {@link JobContext#retry()}
	 * @throws Exception to fail this attempt
	 */
	@Override
	void handle(T payload, JobContext context) throws Exception;

}
