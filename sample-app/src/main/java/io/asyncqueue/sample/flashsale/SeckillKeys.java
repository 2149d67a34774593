package io.asyncqueue.sample.flashsale;

import java.util.List;

/**
 * The flash sale's Redis keys. All of an item's keys share the hash tag {@code {item}}, so they live in one
 * Redis Cluster slot and one script may touch them all.
 */
final class SeckillKeys {

	private SeckillKeys() {
	}

	/** Units left: a string holding an integer. */
	static String stock(String item) {
		return "seckill:{" + item + "}:stock";
	}

	/** Users who bought the item: a set. */
	static String buyers(String item) {
		return "seckill:{" + item + "}:buyers";
	}

	/** A user's attempts in the current rate-limit window: a string holding an integer, expiring. */
	static String rate(String item, String user) {
		return "seckill:{" + item + "}:rate:" + user;
	}

	/** The keys of seckill.lua. */
	static List<String> gate(String item, String user) {
		return List.of(stock(item), buyers(item), rate(item, user));
	}

}
