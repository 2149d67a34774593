package io.asyncqueue.sample.flashsale;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.sample.SampleProperties;
import io.asyncqueue.spring.Job;
import io.asyncqueue.spring.QueueJob;

/**
 * Creates the order of a unit the flash sale took (the gate took it in the same script that pushed this job), on the {@code orders} queue (its concurrency, attempts
 * and backoff are under {@code async-queue.queues.orders} in application.yml).
 *
 * <p>Delivery is at least once: the job runs again after a failed attempt, and can run twice when its worker
 * dies after writing the order but before the acknowledgement reached Redis (seed 004's open question). The
 * order is therefore written with "insert once" semantics keyed by the job's id, which is the same on every
 * attempt, and by the user: a second execution finds the order and writes nothing.
 *
 * <p>Throwing fails the attempt: it is retried after the queue's backoff, and once {@code max-attempts} are
 * used up the job is parked in {@code failed} with its exception, for an operator to retry after fixing the
 * cause. The reserved unit stays reserved meanwhile: the sale never oversells, at worst it undersells. When
 * the user turns out to have an order already (bought through the limit queue after the gate let them in), the
 * unit is given back.
 */
@QueueJob(queue = "orders", name = "create-order")
public class CreateOrderJob implements Job<CreateOrder> {

	private static final Logger log = LoggerFactory.getLogger(CreateOrderJob.class);

	private static final RedisScript<Long> GIVE_BACK = RedisScript
		.of(new ClassPathResource("io/asyncqueue/sample/flashsale/give-back.lua"), Long.class);

	private final Orders orders;

	private final Catalog catalog;

	private final SampleProperties.Orders settings;

	private final MeterRegistry meters;

	private final StringRedisTemplate redis;

	private final SeckillKeys keys;

	private final OrderReceipts receipts;

	public CreateOrderJob(Orders orders, Catalog catalog, SampleProperties properties, MeterRegistry meters,
			StringRedisTemplate redis, SeckillKeys keys, OrderReceipts receipts) {
		this.orders = orders;
		this.catalog = catalog;
		this.settings = properties.orders();
		this.meters = meters;
		this.redis = redis;
		this.keys = keys;
		this.receipts = receipts;
	}

	@Override
	public void handle(CreateOrder order, JobContext context) throws Exception {
		Item item = this.catalog.find(order.item())
			.orElseThrow(() -> new OrderCreationException("Unknown item " + order.item()));
		simulateTheOrderServiceFailingFor(order.user());
		if (!this.settings.delay().isZero()) {
			Thread.sleep(this.settings.delay().toMillis());
		}

		Orders.Outcome outcome = this.orders.createOnce(context.id(), context.attempt(), Order.SECKILL, item.id(),
				order.user(), item.price(), order.requestedAt());
		this.meters.counter("sample.orders", "channel", Order.SECKILL, "outcome",
				outcome.name().toLowerCase(java.util.Locale.ROOT)).increment();
		if (outcome == Orders.Outcome.ALREADY_BOUGHT) {
			giveBack(order, context);
			return;
		}
		if (outcome != Orders.Outcome.CREATED) {
			log.info("Job {} (attempt {}) for {} found its order already written ({}): nothing to do", context.id(),
					context.attempt(), order.user(), outcome);
			return;
		}

		this.receipts.send(context.id(), order.user(), item.id()); // queued on "notifications", sent later
		simulateACrashBeforeTheAcknowledgement(context);
	}

	/**
	 * The user has an order from another job (bought through the limit queue after this unit was taken): this
	 * job's order can never be written, so its unit goes back on sale, once however often the job runs.
	 */
	private void giveBack(CreateOrder order, JobContext context) {
		Long given = this.redis.execute(GIVE_BACK,
				List.of(this.keys.stock(order.item()), this.keys.givenBack(order.item())), context.id());
		log.info("Job {}: {} already has an order for {}; {}", context.id(), order.user(), order.item(),
				(given != null && given == 1) ? "its unit is back on sale" : "its unit was given back before");
	}

	/** Users named {@code fail-…} (sample.orders.failing-user-prefix) never get their order written. */
	private void simulateTheOrderServiceFailingFor(String user) {
		String prefix = this.settings.failingUserPrefix();
		if (!prefix.isEmpty() && user.startsWith(prefix)) {
			throw new OrderCreationException("Simulated: the order service refuses user " + user);
		}
	}

	/**
	 * With sample.orders.crash-after-insert-rate, some first attempts fail right after the order was written,
	 * as if the process had died before acknowledging the job; the retry must not write a second order.
	 */
	private void simulateACrashBeforeTheAcknowledgement(JobContext context) {
		double rate = this.settings.crashAfterInsertRate();
		if (context.attempt() == 1 && rate > 0 && ThreadLocalRandom.current().nextDouble() < rate) {
			throw new OrderCreationException(
					"Simulated: crashed after writing the order of job " + context.id() + ", before its acknowledgement");
		}
	}

	/** Creating an order failed; the attempt is retried per the queue's backoff. */
	public static class OrderCreationException extends RuntimeException {

		public OrderCreationException(String message) {
			super(message);
		}

	}

}
