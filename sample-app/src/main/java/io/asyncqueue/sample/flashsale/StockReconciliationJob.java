package io.asyncqueue.sample.flashsale;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.spring.Job;
import io.asyncqueue.spring.QueueJob;

/**
 * The stock reconciliation, a recurring job ({@code async-queue.schedules.stock-reconciliation} in
 * application.yml): every 30 seconds exactly one instance, whichever claims the tick, compares each item's
 * units taken by the flash sale in Redis with the orders written in the database. The difference is the units
 * whose order job is still waiting, running or parked in {@code failed}: the sale undersells while they are
 * there, never oversells. It is logged and published as the gauge {@code sample.stock.unaccounted{item}}. It
 * runs on a queue of its own, {@code reports}, so that the orders queue's figures count orders only.
 */
@QueueJob(queue = "reports", name = "reconcile-stock")
public class StockReconciliationJob implements Job<Void> {

	private static final Logger log = LoggerFactory.getLogger(StockReconciliationJob.class);

	private final Catalog catalog;

	private final Orders orders;

	private final MeterRegistry meters;

	private final Map<String, AtomicLong> unaccounted = new ConcurrentHashMap<>();

	private volatile Report last = new Report(Instant.EPOCH, Map.of());

	public StockReconciliationJob(Catalog catalog, Orders orders, MeterRegistry meters) {
		this.catalog = catalog;
		this.orders = orders;
		this.meters = meters;
	}

	@Override
	public void handle(Void nothing, JobContext context) {
		Map<String, Line> lines = new LinkedHashMap<>();
		for (Item item : this.catalog.items()) {
			long left = this.catalog.stockLeft(item.id());
			if (left < 0) {
				continue; // not on sale in Redis (yet)
			}
			long taken = this.catalog.saleSize(item) - left;
			long written = this.orders.count(item.id(), Order.SECKILL);
			Line line = new Line(taken, written, taken - written);
			lines.put(item.id(), line);
			this.unaccounted.computeIfAbsent(item.id(),
					(id) -> this.meters.gauge("sample.stock.unaccounted", java.util.List.of(
							io.micrometer.core.instrument.Tag.of("item", id)), new AtomicLong()))
				.set(line.unaccounted());
		}
		this.last = new Report(Instant.now(), lines);
		log.info("Stock reconciliation ({} of schedule {}): {}", context.headers().get("schedule-kind"),
				context.headers().get("schedule"), lines);
	}

	/** The last reconciliation this instance ran. */
	public Report lastReport() {
		return this.last;
	}

	/**
	 * One reconciliation.
	 * @param at when it ran
	 * @param items per item on sale
	 */
	public record Report(Instant at, Map<String, Line> items) {
	}

	/**
	 * One item.
	 * @param taken units the flash sale handed out
	 * @param orders orders written for them
	 * @param unaccounted units without an order yet: jobs waiting, running or failed
	 */
	public record Line(long taken, long orders, long unaccounted) {
	}

}
