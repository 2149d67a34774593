package io.asyncqueue.spring.transaction;

import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.spring.QueueTemplate;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the transaction tests share: the application's template, transactions, database and Redis, and
 * ways to look at what each holds.
 */
abstract class TransactionTestSupport {

	@Autowired
	protected QueueTemplate queueTemplate;

	@Autowired
	protected TransactionTemplate transaction;

	@Autowired
	protected JdbcTemplate jdbc;

	@Autowired
	protected RedisConnector redis;

	@Autowired
	protected JobSerializer serializer;

	/** An empty table of orders (the data a job needs), and no key of these channels in Redis. */
	protected void emptyOrdersAndQueues(String... channels) {
		this.jdbc.execute("CREATE TABLE IF NOT EXISTS orders (id BIGINT PRIMARY KEY)");
		this.jdbc.execute("DELETE FROM orders");
		for (String channel : channels) {
			reply(this.redis.commands().del(QueueKeys.of(channel).all().toArray(String[]::new)));
		}
	}

	/** The ids waiting in a queue's channel, oldest first. */
	protected List<String> waiting(String channel) {
		return reply(this.redis.commands().lrange(QueueKeys.of(channel).waiting(), 0, -1));
	}

	protected long outboxRows() {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM async_queue_outbox", Long.class);
	}

	protected long orders() {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM orders", Long.class);
	}

	protected static <T> T reply(Future<T> reply) {
		try {
			return reply.get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
