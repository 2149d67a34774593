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

import io.asyncqueue.core.FailedJob;
import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.JobState;
import io.asyncqueue.core.QueueOperations;
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

	private final SeckillKeys keys;

	private final QueueOperations operations;

	private final JobSerializer serializer = new JobSerializer();

	public Catalog(SampleProperties properties, Orders orders, StringRedisTemplate redis,
			TransactionTemplate transaction, SeckillKeys keys, QueueOperations operations) {
		properties.items()
			.forEach((id, item) -> this.items.put(id, new Item(id, (item.name() != null) ? item.name() : id,
					item.price(), item.stock())));
		this.orders = orders;
		this.redis = redis;
		this.transaction = transaction;
		this.keys = keys;
		this.operations = operations;
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
			.setIfAbsent(this.keys.stock(item.id()), Long.toString(Math.max(0, item.stock() - sold)));
		if (Boolean.TRUE.equals(created)) {
			this.redis.opsForValue().setIfAbsent(this.keys.size(item.id()), Integer.toString(item.stock()));
			List<String> buyers = this.orders.buyers(item.id());
			if (!buyers.isEmpty()) {
				this.redis.opsForSet().add(this.keys.buyers(item.id()), buyers.toArray(String[]::new));
			}
		}
	}

	/**
	 * Put an item back on sale with a fresh stock: its orders are deleted, both stocks reset, its buyers
	 * forgotten, and the previous sale's jobs of the item parked in {@code failed} or {@code timeout} deleted
	 * (reloaded later, they would write orders into the new sale). For demos; run it while no job of the item
	 * is queued.
	 * @param item the item
	 * @param stock the units to sell
	 * @return how many parked jobs of the previous sale were deleted
	 */
	public int reset(Item item, int stock) {
		int deleted = deleteParkedJobs(item);
		this.transaction.executeWithoutResult((status) -> {
			this.orders.deleteByItem(item.id());
			this.orders.setStock(item.id(), stock);
		});
		this.redis.delete(this.keys.sale(item.id()));
		this.redis.opsForValue().set(this.keys.size(item.id()), Integer.toString(stock));
		this.redis.opsForValue().set(this.keys.stock(item.id()), Integer.toString(stock));
		return deleted;
	}

	private int deleteParkedJobs(Item item) {
		int deleted = 0;
		for (String queue : List.of("orders", "limit-queue")) {
			for (JobState state : List.of(JobState.FAILED, JobState.TIMEOUT)) {
				for (FailedJob job : this.operations.parkedJobs(queue, state, 0, 10_000)) {
					if (item.id().equals(itemOf(job)) && this.operations.delete(queue, job.id())) {
						deleted++;
					}
				}
			}
		}
		return deleted;
	}

	private String itemOf(FailedJob job) {
		try {
			return this.serializer.deserialize(job.envelope()).payload().path("item").asString();
		}
		catch (RuntimeException ex) {
			return null; // unreadable: not this sale's to delete
		}
	}

	/** The flash sale's units left, in Redis; -1 when the item is not on sale there. */
	public long stockLeft(String item) {
		String stock = this.redis.opsForValue().get(this.keys.stock(item));
		return (stock != null) ? Long.parseLong(stock) : -1;
	}

	/** The units the item's current sale started with: those of its last reset, else the configured ones. */
	public int saleSize(Item item) {
		String size = this.redis.opsForValue().get(this.keys.size(item.id()));
		return (size != null) ? Integer.parseInt(size) : item.stock();
	}

	public ItemView view(Item item) {
		return new ItemView(item.id(), item.name(), item.price(), saleSize(item),
				new ItemView.Channel(stockLeft(item.id()), this.orders.count(item.id(), Order.SECKILL)),
				new ItemView.Channel(this.orders.stock(item.id()), this.orders.count(item.id(), Order.LIMIT_QUEUE)));
	}

}
