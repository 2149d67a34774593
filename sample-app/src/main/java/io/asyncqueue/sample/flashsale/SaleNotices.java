package io.asyncqueue.sample.flashsale;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.spring.listener.QueueListener;

/**
 * Tells the merchants an item sold out: a {@link QueueListener @QueueListener} method, a job without a job
 * class. {@link FlashSale} pushes its payload with {@code queueTemplate.pushPayload(new SoldOut(..))}, since
 * this is the one job that takes a {@link SoldOut}.
 */
@Component
public class SaleNotices {

	private static final Logger log = LoggerFactory.getLogger(SaleNotices.class);

	private final MeterRegistry meters;

	public SaleNotices(MeterRegistry meters) {
		this.meters = meters;
	}

	@QueueListener(queue = "notifications", name = "sold-out")
	void on(SoldOut soldOut, JobContext context) {
		log.info("{} sold out at {} (notice {}): tell the merchants", soldOut.item(), soldOut.at(), context.id());
		this.meters.counter("sample.notices", "kind", "sold-out", "item", soldOut.item()).increment();
	}

}
