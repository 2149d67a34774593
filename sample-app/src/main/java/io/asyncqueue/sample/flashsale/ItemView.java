package io.asyncqueue.sample.flashsale;

import java.math.BigDecimal;

/**
 * An item's stock and orders, as {@code GET /items/{item}} shows them.
 *
 * @param id the item's id
 * @param name its name
 * @param price its price
 * @param stock the units it starts with (and is reset to)
 * @param seckill the flash sale: units left in Redis, orders created from it
 * @param limitQueue seed 000's serial path: units left in the database, orders created from it
 */
public record ItemView(String id, String name, BigDecimal price, int stock, Channel seckill, Channel limitQueue) {

	/**
	 * One way of selling the item.
	 *
	 * @param stockLeft units left
	 * @param orders orders created
	 */
	public record Channel(long stockLeft, long orders) {
	}

}
