package io.asyncqueue.sample.flashsale;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.asyncqueue.sample.SampleProperties;

/**
 * The items on sale and their stock: the flash sale's in Redis, the limit queue's in the database.
 *
 * <p>At startup every configured item gets its row, and the flash sale's Redis keys are rebuilt from the
 * database when Redis has none (a new, flushed or throw-away Redis): the stock minus the orders already
 * created, and their buyers. The database is the record of what was sold; Redis is the fast gate in front of
 * it.
 */
@Component
public class Catalog implements SmartInitializingSingleton {

	private static final Logger log = LoggerFactory.getLogger(Catalog.class);

	private final Map<String, Item> items = new LinkedHashMap<>();

	private final Orders orders;

	private final StringRedisTemplate redis;

	private final TransactionTemplate transaction;

	public Catalog(SampleProperties properties, Orders orders, StringRedisTemplate redis,
			TransactionTemplate transaction) {
		properties.items()
			.forEach((id, item) -> this.items.put(id, new Item(id, (item.name() != null) ? item.name() : id,
					item.price(), item.stock())));
		this.orders = orders;
		this.redis = redis;
		this.transaction = transaction;
	}

	public Collection<Item> items() {
		return this.items.values();
	}

	public Optional<Item> find(String id) {
		return Optional.ofNullable(this.items.get(id));
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (Item item : this.items.values()) {
			this.orders.addItem(item);
			try {
				putOnSale(item);
				log.info("On sale: {} ({}), {} left in Redis for the flash sale, {} left in the database for the limit queue",
						item.name(), item.id(), stockLeft(item.id()), this.orders.stock(item.id()));
			}
			catch (RuntimeException ex) {
				log.warn("Redis is unavailable ({}); {} goes on sale when it is back", ex.toString(), item.id());
			}
		}
	}

	/**
	 * Give the flash sale its Redis keys unless they exist: the stock minus the orders already written, and
	 * the users who have one. Called at startup, and when the Lua script finds no stock (a new or flushed
	 * Redis); the SETNX makes concurrent callers agree.
	 * @param item the item
	 */
	public void putOnSale(Item item) {
		long sold = this.orders.count(item.id(), Order.SECKILL);
		Boolean created = this.redis.opsForValue()
			.setIfAbsent(SeckillKeys.stock(item.id()), Long.toString(Math.max(0, item.stock() - sold)));
		if (Boolean.TRUE.equals(created)) {
			List<String> buyers = this.orders.buyers(item.id());
			if (!buyers.isEmpty()) {
				this.redis.opsForSet().add(SeckillKeys.buyers(item.id()), buyers.toArray(String[]::new));
			}
		}
	}

	/**
	 * Put an item back on sale with a fresh stock: its orders are deleted, both stocks reset, its buyers
	 * forgotten. For demos; run it while no job of the item is queued.
	 * @param item the item
	 * @param stock the units to sell
	 */
	public void reset(Item item, int stock) {
		this.transaction.executeWithoutResult((status) -> {
			this.orders.deleteByItem(item.id());
			this.orders.setStock(item.id(), stock);
		});
		this.redis.delete(List.of(SeckillKeys.buyers(item.id())));
		this.redis.opsForValue().set(SeckillKeys.stock(item.id()), Integer.toString(stock));
	}

	/** The flash sale's units left, in Redis; -1 when the item is not on sale there. */
	public long stockLeft(String item) {
		String stock = this.redis.opsForValue().get(SeckillKeys.stock(item));
		return (stock != null) ? Long.parseLong(stock) : -1;
	}

	public ItemView view(Item item) {
		return new ItemView(item.id(), item.name(), item.price(), item.stock(),
				new ItemView.Channel(stockLeft(item.id()), this.orders.count(item.id(), Order.SECKILL)),
				new ItemView.Channel(this.orders.stock(item.id()), this.orders.count(item.id(), Order.LIMIT_QUEUE)));
	}

}
