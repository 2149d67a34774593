package io.asyncqueue.sample.flashsale;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Service;

import io.asyncqueue.core.PushGuard;
import io.asyncqueue.core.PushGuardException;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.sample.SampleProperties;
import io.asyncqueue.sample.flashsale.Purchase.Outcome;
import io.asyncqueue.spring.QueueTemplate;

/**
 * The flash sale (seed 004): one guarded push both decides and queues the order.
 *
 * <p>{@code seckill.lua} rate-limits the user, refuses a second purchase and takes one unit of stock; it runs
 * as the guard of the {@link CreateOrderJob}'s push, so Redis takes the unit and queues its order in one
 * script: a crash, a kill -9 or a lost connection can leave both or neither, never a unit without its order
 * job. The caller is answered at once; the order is written by a consumer, retried with backoff when the
 * database fails, and idempotent.
 */
@Service
public class FlashSale {

	private static final Logger log = LoggerFactory.getLogger(FlashSale.class);

	private static final String GATE = read("io/asyncqueue/sample/flashsale/seckill.lua");

	private final Catalog catalog;

	private final SeckillKeys keys;

	private final QueueTemplate queue;

	private final SampleProperties.Seckill settings;

	private final MeterRegistry meters;

	public FlashSale(Catalog catalog, SeckillKeys keys, QueueTemplate queue, SampleProperties properties,
			MeterRegistry meters) {
		this.catalog = catalog;
		this.keys = keys;
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
		PushResult pushed;
		try {
			pushed = gateAndPush(item, user);
			if (verdict(pushed) != null && "not_on_sale".equals(verdict(pushed).get(0))) {
				// Redis has no stock for a catalog item: it was down at startup, or flushed since
				this.catalog.putOnSale(item);
				pushed = gateAndPush(item, user);
			}
		}
		catch (RuntimeException ex) {
			log.warn("Flash sale unavailable, nothing was taken: {}", ex.toString());
			return Purchase.of(Outcome.UNAVAILABLE, itemId, user);
		}
		List<?> verdict = verdict(pushed);
		if (verdict == null) {
			// a replay: the same push reached Redis twice after a dropped connection, and the first run, whose reply
			// was lost, took the unit and queued the order; the gate did not run again, so the stock left is unknown
			return new Purchase(Outcome.QUEUED, itemId, user, pushed.id(), null, null);
		}
		long number = ((Number) verdict.get(1)).longValue();
		return switch ((String) verdict.get(0)) {
			case "reserved" -> {
				if (number == 0) {
					noticeSoldOut(itemId);
				}
				yield new Purchase(Outcome.QUEUED, itemId, user, pushed.id(), number, null);
			}
			case "rate_limited" -> new Purchase(Outcome.RATE_LIMITED, itemId, user, null, null, Math.max(number, 1));
			case "already_bought" -> new Purchase(Outcome.ALREADY_BOUGHT, itemId, user, null, number, null);
			case "sold_out" -> new Purchase(Outcome.SOLD_OUT, itemId, user, null, 0L, null);
			default -> Purchase.of(Outcome.NOT_ON_SALE, itemId, user);
		};
	}

	/**
	 * The gate and the push, one script. A push that fails may still have landed (its reply lost): it is
	 * tried once more, and the gate then finds the user among the buyers and answers "already bought",
	 * which is true; it never takes a second unit.
	 */
	private PushResult gateAndPush(Item item, String user) {
		CreateOrder order = new CreateOrder(item.id(), user, Instant.now());
		PushOptions gated = PushOptions.guardedBy(PushGuard.script(GATE)
			.keys(this.keys.gate(item.id(), user).toArray(String[]::new))
			.args(user, Integer.toString(this.settings.rateLimit()),
					Long.toString(this.settings.rateWindow().toMillis())));
		try {
			return this.queue.push(CreateOrderJob.class, order, gated);
		}
		catch (PushGuardException ex) {
			throw ex; // the gate itself is broken: trying again cannot help
		}
		catch (RuntimeException first) {
			log.debug("Push of the order of {} for {} failed, trying once more: {}", user, item.id(), first.toString());
			return this.queue.push(CreateOrderJob.class, order, gated);
		}
	}

	/** This purchase took the last unit: one notice per sale, to the one job that takes a {@link SoldOut}. */
	private void noticeSoldOut(String itemId) {
		try {
			this.queue.pushPayload(new SoldOut(itemId, Instant.now()));
		}
		catch (RuntimeException ex) {
			log.warn("The sold-out notice of {} was not queued: {}", itemId, ex.toString());
		}
	}

	private static List<?> verdict(PushResult pushed) {
		return (List<?>) pushed.guardReply();
	}

	private static String read(String resource) {
		try {
			return new ClassPathResource(resource).getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
