package io.asyncqueue.sample.flashsale;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code orders} and {@code items} tables. Plain SQL through {@link JdbcClient}, portable between H2 and
 * PostgreSQL.
 */
@Repository
public class Orders {

	/** What {@link #createOnce} did. */
	public enum Outcome {

		/** The order was written. */
		CREATED,

		/** This job had written it already: a retry or a re-delivery. Nothing was written. */
		ALREADY_CREATED,

		/** The user has an order for this item from another job. Nothing was written. */
		ALREADY_BOUGHT

	}

	/**
	 * Reads a row by its column names. Mapping by the record's property names instead made H2 look up
	 * {@code jobId} and friends first, and log each miss ({@code Column "jobId" not found}) to its trace file,
	 * five times per row read.
	 */
	private static final String SELECT = "SELECT id, job_id, item_id, user_id, amount, channel, attempt, requested_at, created_at FROM orders";

	private static final RowMapper<Order> ORDER = (rows, number) -> new Order(rows.getLong("id"),
			rows.getString("job_id"), rows.getString("item_id"), rows.getString("user_id"),
			rows.getBigDecimal("amount"), rows.getString("channel"), rows.getInt("attempt"),
			rows.getObject("requested_at", OffsetDateTime.class), rows.getObject("created_at", OffsetDateTime.class));

	private final JdbcClient jdbc;

	public Orders(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Write an order unless it exists: "insert … on conflict do nothing", portable. The UNIQUE constraints on
	 * {@code job_id} and on {@code (item_id, user_id)} reject a second row, even from a concurrent
	 * execution of the same job; the rejection is the answer. A single statement in its own (auto-commit)
	 * transaction, so on PostgreSQL the failed insert aborts nothing else.
	 * @param jobId the job's id ({@code JobContext.id()}, the same on every attempt)
	 * @param attempt the job's attempt
	 * @param channel {@link Order#SECKILL} or {@link Order#LIMIT_QUEUE}
	 * @param item the item
	 * @param user the buyer
	 * @param amount the price
	 * @param requestedAt when the purchase was accepted
	 * @return what happened
	 */
	public Outcome createOnce(String jobId, int attempt, String channel, String item, String user, BigDecimal amount,
			Instant requestedAt) {
		try {
			insert(jobId, attempt, channel, item, user, amount, requestedAt);
			return Outcome.CREATED;
		}
		catch (DuplicateKeyException ex) {
			return findByJobId(jobId).isPresent() ? Outcome.ALREADY_CREATED : Outcome.ALREADY_BOUGHT;
		}
	}

	/**
	 * Write an order; fails with {@link DuplicateKeyException} when the job or the user has one.
	 */
	void insert(String jobId, int attempt, String channel, String item, String user, BigDecimal amount,
			Instant requestedAt) {
		this.jdbc.sql("""
				INSERT INTO orders (job_id, item_id, user_id, amount, channel, attempt, requested_at, created_at)
				VALUES (:jobId, :item, :user, :amount, :channel, :attempt, :requestedAt, :createdAt)
				""")
			.param("jobId", jobId)
			.param("item", item)
			.param("user", user)
			.param("amount", amount)
			.param("channel", channel)
			.param("attempt", attempt)
			.param("requestedAt", utc(requestedAt))
			.param("createdAt", utc(Instant.now()))
			.update();
	}

	public Optional<Order> findByJobId(String jobId) {
		return this.jdbc.sql(SELECT + " WHERE job_id = :jobId").param("jobId", jobId).query(ORDER).optional();
	}

	public boolean exists(String item, String user) {
		return this.jdbc.sql("SELECT COUNT(*) FROM orders WHERE item_id = :item AND user_id = :user")
			.param("item", item)
			.param("user", user)
			.query(Long.class)
			.single() > 0;
	}

	/**
	 * An item's orders, oldest first.
	 * @param item the item
	 * @param limit most orders to return
	 * @return the orders
	 */
	public List<Order> findByItem(String item, int limit) {
		return this.jdbc.sql(SELECT + " WHERE item_id = :item ORDER BY id")
			.param("item", item)
			.withMaxRows(limit)
			.query(ORDER)
			.list();
	}

	public long count(String item, String channel) {
		return this.jdbc.sql("SELECT COUNT(*) FROM orders WHERE item_id = :item AND channel = :channel")
			.param("item", item)
			.param("channel", channel)
			.query(Long.class)
			.single();
	}

	/** Users of an item, whatever the channel. */
	public List<String> buyers(String item) {
		return this.jdbc.sql("SELECT user_id FROM orders WHERE item_id = :item")
			.param("item", item)
			.query(String.class)
			.list();
	}

	/**
	 * Users with more than one order for the item: always empty while the UNIQUE constraint holds; the load
	 * driver checks it anyway, since the point is to prove it.
	 */
	public List<String> usersWithSeveralOrders(String item) {
		return this.jdbc.sql("SELECT user_id FROM orders WHERE item_id = :item GROUP BY user_id HAVING COUNT(*) > 1")
			.param("item", item)
			.query(String.class)
			.list();
	}

	/** Jobs that created more than one order: always empty while the UNIQUE constraint holds. */
	public List<String> jobsWithSeveralOrders(String item) {
		return this.jdbc.sql("SELECT job_id FROM orders WHERE item_id = :item GROUP BY job_id HAVING COUNT(*) > 1")
			.param("item", item)
			.query(String.class)
			.list();
	}

	public void deleteByItem(String item) {
		this.jdbc.sql("DELETE FROM orders WHERE item_id = :item").param("item", item).update();
	}

	// items

	/** Add the item unless it exists; an existing item keeps its stock. */
	public void addItem(Item item) {
		try {
			this.jdbc.sql("INSERT INTO items (id, name, price, stock) VALUES (:id, :name, :price, :stock)")
				.param("id", item.id())
				.param("name", item.name())
				.param("price", item.price())
				.param("stock", item.stock())
				.update();
		}
		catch (DuplicateKeyException ex) {
			this.jdbc.sql("UPDATE items SET name = :name, price = :price WHERE id = :id")
				.param("id", item.id())
				.param("name", item.name())
				.param("price", item.price())
				.update();
		}
	}

	/** The units left for the limit-queue path. */
	public int stock(String item) {
		return this.jdbc.sql("SELECT stock FROM items WHERE id = :id").param("id", item).query(Integer.class).single();
	}

	/**
	 * Overwrite the units left for the limit-queue path with a value the caller computed: a read-modify-write,
	 * only correct when nothing else writes meanwhile (see {@link LimitQueueOrderJob}).
	 */
	public void setStock(String item, int stock) {
		this.jdbc.sql("UPDATE items SET stock = :stock WHERE id = :id").param("id", item).param("stock", stock).update();
	}

	private static OffsetDateTime utc(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

}
