package io.asyncqueue.sample.flashsale;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

import io.asyncqueue.spring.listener.AsyncQueueMessage;

/**
 * Sends the buyer's receipt once their order is written: an {@link AsyncQueueMessage @AsyncQueueMessage}
 * method, so that {@link CreateOrderJob}'s call only queues it on {@code notifications} and a slow mail
 * server never holds an order job. Keyed by the order job's id, so that a re-run of that job cannot queue a
 * second receipt while the first waits.
 */
@Service
public class OrderReceipts {

	private static final Logger log = LoggerFactory.getLogger(OrderReceipts.class);

	private final MeterRegistry meters;

	public OrderReceipts(MeterRegistry meters) {
		this.meters = meters;
	}

	@AsyncQueueMessage(queue = "notifications", uniqueId = "'receipt-' + #orderJobId")
	public void send(String orderJobId, String user, String item) {
		log.debug("Receipt for {}'s order of {} (order job {}) sent", user, item, orderJobId);
		this.meters.counter("sample.notices", "kind", "receipt", "item", item).increment();
	}

}
