package io.asyncqueue.sample.flashsale;

import java.util.List;

import org.springframework.stereotype.Component;

import io.asyncqueue.spring.QueueTemplate;

/**
 * The flash sale's Redis keys. They are guard keys of the {@code orders} queue
 * ({@link QueueTemplate#guardKey}), such as {@code {async-queue:orders}:guard:seckill:dove-200g:stock}: the
 * gate runs in the same script as the push of the order job, so its keys must live in the queue's Redis
 * Cluster slot and apart from the queue's own keys.
 */
@Component
public class SeckillKeys {

	private final QueueTemplate queue;

	SeckillKeys(QueueTemplate queue) {
		this.queue = queue;
	}

	/** Units left: a string holding an integer. */
	public String stock(String item) {
		return key(item, "stock");
	}

	/** The units the current sale started with: a string holding an integer. */
	public String size(String item) {
		return key(item, "size");
	}

	/** Users who bought the item, here or through the limit queue: a set. */
	public String buyers(String item) {
		return key(item, "buyers");
	}

	/** Order jobs that gave their unit back (see give-back.lua): a set. */
	public String givenBack(String item) {
		return key(item, "given-back");
	}

	/** A user's attempts in the current rate-limit window: a string holding an integer, expiring. */
	public String rate(String item, String user) {
		return key(item, "rate:" + user);
	}

	/** The keys of seckill.lua. */
	List<String> gate(String item, String user) {
		return List.of(stock(item), buyers(item), rate(item, user));
	}

	/** Every key of the item's sale but the users' rate windows, which expire by themselves. */
	List<String> sale(String item) {
		return List.of(stock(item), size(item), buyers(item), givenBack(item));
	}

	private String key(String item, String part) {
		return this.queue.guardKey(CreateOrderJob.class, "seckill:" + item + ":" + part);
	}

}
