package io.asyncqueue.sample.flashsale;

import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Service;

import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.sample.SampleProperties;
import io.asyncqueue.sample.flashsale.Purchase.Outcome;
import io.asyncqueue.spring.QueueTemplate;

/**
 * The flash sale (seed 004): a Redis Lua script decides, the queue creates the order.
 *
 * <ol>
 * <li>{@code seckill.lua} rate-limits the user, refuses a second purchase and takes one unit of stock, in one
 * atomic step.</li>
 * <li>When it took a unit, a {@link CreateOrderJob} is pushed and the caller is answered at once; the order is
 * written by a consumer, retried with backoff when the database fails, and idempotent. If Redis refuses the
 * push twice, the unit is given back and the caller gets 503.</li>
 * </ol>
 */
@Service
public class FlashSale {

	private static final Logger log = LoggerFactory.getLogger(FlashSale.class);

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> GATE = RedisScript
		.of(new ClassPathResource("io/asyncqueue/sample/flashsale/seckill.lua"), List.class);

	private static final RedisScript<Long> RELEASE = RedisScript
		.of(new ClassPathResource("io/asyncqueue/sample/flashsale/release.lua"), Long.class);

	private final Catalog catalog;

	private final StringRedisTemplate redis;

	private final QueueTemplate queue;

	private final SampleProperties.Seckill settings;

	private final MeterRegistry meters;

	public FlashSale(Catalog catalog, StringRedisTemplate redis, QueueTemplate queue, SampleProperties properties,
			MeterRegistry meters) {
		this.catalog = catalog;
		this.redis = redis;
		this.queue = queue;
		this.settings = properties.seckill();
		this.meters = meters;
	}

	/**
	 * One purchase attempt.
	 * @param itemId the item
	 * @param user the buyer
	 * @return the outcome, with the job's id when queued
	 */
	public Purchase buy(String itemId, String user) {
		Purchase purchase = attempt(itemId, user);
		this.meters.counter("sample.seckill.attempts", "outcome", purchase.status()).increment();
		return purchase;
	}

	private Purchase attempt(String itemId, String user) {
		Item item = this.catalog.find(itemId).orElse(null);
		if (item == null) {
			return Purchase.of(Outcome.NOT_ON_SALE, itemId, user);
		}
		List<?> answer;
		try {
			answer = gate(itemId, user);
			if ("not_on_sale".equals(answer.get(0))) {
				// Redis has no stock for a catalog item: it was down at startup, or flushed since
				this.catalog.putOnSale(item);
				answer = gate(itemId, user);
			}
		}
		catch (RuntimeException ex) {
			log.warn("Flash sale gate unavailable: {}", ex.toString());
			return Purchase.of(Outcome.UNAVAILABLE, itemId, user);
		}
		String verdict = (String) answer.get(0);
		long number = ((Number) answer.get(1)).longValue();
		return switch (verdict) {
			case "reserved" -> queueOrder(itemId, user, number);
			case "rate_limited" -> new Purchase(Outcome.RATE_LIMITED, itemId, user, null, null, Math.max(number, 1));
			case "already_bought" -> new Purchase(Outcome.ALREADY_BOUGHT, itemId, user, null, number, null);
			case "sold_out" -> new Purchase(Outcome.SOLD_OUT, itemId, user, null, 0L, null);
			default -> Purchase.of(Outcome.NOT_ON_SALE, itemId, user);
		};
	}

	private List<?> gate(String itemId, String user) {
		return this.redis.execute(GATE, SeckillKeys.gate(itemId, user), user,
				Integer.toString(this.settings.rateLimit()), Long.toString(this.settings.rateWindow().toMillis()));
	}

	private Purchase queueOrder(String itemId, String user, long stockLeft) {
		CreateOrder order = new CreateOrder(itemId, user, Instant.now());
		// One job per user and item while it is pending: if a push fails after all reaching Redis (its reply
		// lost), the second push finds that job instead of adding one.
		PushOptions once = PushOptions.unique(itemId + ":" + user);
		PushResult pushed;
		try {
			pushed = this.queue.push(CreateOrderJob.class, order, once);
		}
		catch (RuntimeException first) {
			try {
				pushed = this.queue.push(CreateOrderJob.class, order, once);
			}
			catch (RuntimeException second) {
				giveBack(itemId, user, second);
				return Purchase.of(Outcome.UNAVAILABLE, itemId, user);
			}
		}
		return new Purchase(Outcome.QUEUED, itemId, user, pushed.id(), stockLeft, null);
	}

	/** No job, so no order would ever come: give the unit back and let the user try again. */
	private void giveBack(String itemId, String user, RuntimeException pushFailure) {
		log.warn("Could not queue the order of {} for {}, giving the unit back: {}", user, itemId,
				pushFailure.toString());
		try {
			this.redis.execute(RELEASE, SeckillKeys.gate(itemId, user).subList(0, 2), user);
		}
		catch (RuntimeException ex) {
			// Redis is down: the unit stays taken, so the sale undersells by one rather than risk an oversell
			log.error("Could not give back the unit of {} for {}; the stock is one short: {}", user, itemId,
					ex.toString());
		}
	}

}
