package io.asyncqueue.sample.flashsale;

import java.util.Locale;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.spring.Job;
import io.asyncqueue.spring.QueueJob;

/**
 * Seed 000's "atomic consumption": the {@code limit-queue} runs one job at a time across every instance
 * ({@code async-queue.queues.limit-queue.global-concurrency: 1}), and this job checks and decrements the stock in
 * the database with a plain read-modify-write, like the seed's {@code OversoldJob}.
 *
 * <p>It does not oversell <em>only because nothing else runs it at the same time</em>. {@code concurrency: 1}
 * alone is per process: a second instance would run a second job beside it, both would read the same stock, and
 * one decrement would be lost; the global concurrency holds across instances. The flash sale ({@link FlashSale})
 * does not depend on either: the Lua script takes the stock atomically in Redis, so any number of instances and
 * consumers may run. See the README.
 */
@QueueJob(queue = "limit-queue", name = "limit-queue-order")
public class LimitQueueOrderJob implements Job<LimitQueuePurchase> {

	private static final Logger log = LoggerFactory.getLogger(LimitQueueOrderJob.class);

	/** What one purchase came to. */
	enum Outcome {

		CREATED, SOLD_OUT, ALREADY_BOUGHT, ALREADY_CREATED

	}

	private final Orders orders;

	private final Catalog catalog;

	private final TransactionTemplate transaction;

	private final MeterRegistry meters;

	private final StringRedisTemplate redis;

	private final SeckillKeys keys;

	public LimitQueueOrderJob(Orders orders, Catalog catalog, TransactionTemplate transaction, MeterRegistry meters,
			StringRedisTemplate redis, SeckillKeys keys) {
		this.orders = orders;
		this.catalog = catalog;
		this.transaction = transaction;
		this.meters = meters;
		this.redis = redis;
		this.keys = keys;
	}

	@Override
	public void handle(LimitQueuePurchase purchase, JobContext context) {
		Item item = this.catalog.find(purchase.item()).orElse(null);
		if (item == null) {
			context.drop("Unknown item " + purchase.item());
			return;
		}
		Outcome outcome;
		try {
			outcome = this.transaction.execute((status) -> sell(item, purchase, context));
		}
		catch (DuplicateKeyException ex) {
			// the whole transaction was rolled back: this job ran before, or the user bought meanwhile
			outcome = this.orders.findByJobId(context.id()).isPresent() ? Outcome.ALREADY_CREATED
					: Outcome.ALREADY_BOUGHT;
		}
		if (outcome == Outcome.CREATED || outcome == Outcome.ALREADY_CREATED) {
			// the flash sale's gate must refuse this user from now on: one purchase per user, whatever the path
			this.redis.opsForSet().add(this.keys.buyers(item.id()), purchase.user());
		}
		this.meters.counter("sample.orders", "channel", Order.LIMIT_QUEUE, "outcome",
				outcome.name().toLowerCase(Locale.ROOT)).increment();
		if (outcome == Outcome.SOLD_OUT) {
			log.debug("{} is sold out; {} gets nothing", item.name(), purchase.user());
		}
	}

	private Outcome sell(Item item, LimitQueuePurchase purchase, JobContext context) {
		int stock = this.orders.stock(item.id()); // read ...
		if (this.orders.exists(item.id(), purchase.user())) {
			return Outcome.ALREADY_BOUGHT;
		}
		if (stock <= 0) {
			return Outcome.SOLD_OUT;
		}
		this.orders.insert(context.id(), context.attempt(), Order.LIMIT_QUEUE, item.id(), purchase.user(),
				item.price(), purchase.requestedAt());
		this.orders.setStock(item.id(), stock - 1); // ... modify, write: safe only while jobs run one at a time
		return Outcome.CREATED;
	}

}
