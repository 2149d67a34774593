package io.asyncqueue.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.core.scripts.QueueScripts;
import io.asyncqueue.test.EmbeddedRedis;
import io.asyncqueue.test.RedisServer;

/**
 * Every engine test runs against a real redis-server from queue-test. Each test gets its own queue
 * (so its own keys) and has its workers stopped after it.
 */
@EmbeddedRedis
abstract class RedisTestSupport {

	private static final AtomicInteger sequence = new AtomicInteger();

	static RedisServer server;

	static ClientResources resources;

	static RedisClient client;

	static RedisConnector redis;

	static StatefulRedisConnection<String, String> inspection;

	final JobSerializer serializer = new JobSerializer();

	final List<QueueWorker> workers = new ArrayList<>();

	String queue;

	@BeforeAll
	static void connect(RedisServer redisServer) {
		server = redisServer;
		resources = RedisConnector.defaultClientResources();
		client = RedisClient.create(resources, RedisURI.create(redisServer.uri()));
		client.setOptions(RedisConnector.defaultClientOptions());
		// with its URI, so that synchronous pushes go through the direct connection as in applications
		redis = RedisConnector.of(client, RedisURI.create(redisServer.uri()));
		inspection = client.connect();
	}

	@AfterAll
	static void disconnect() {
		inspection.close();
		redis.close();
		client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		resources.shutdown();
	}

	@BeforeEach
	void nameQueue(TestInfo test) {
		this.queue = test.getTestMethod().map((method) -> method.getName()).orElse("q") + "-"
				+ sequence.incrementAndGet() + "-" + ProcessHandle.current().pid();
	}

	@AfterEach
	void stopWorkers() {
		this.workers.forEach((worker) -> worker.stop(Duration.ofSeconds(2)));
	}

	QueueSettings.Builder settings() {
		return QueueSettings.builder(this.queue).retryBackoff(RetryBackoff.fixed(Duration.ZERO));
	}

	QueueClient client(QueueSettings settings) {
		return new QueueClient(redis, this.serializer, Queues.of(settings));
	}

	QueueOperations operations(QueueSettings settings) {
		return new QueueOperations(redis, this.serializer, Queues.of(settings));
	}

	QueueWorker start(QueueWorker.Builder builder) {
		QueueWorker worker = builder.serializer(this.serializer).build();
		this.workers.add(worker);
		worker.start();
		return worker;
	}

	static RedisCommands<String, String> redisCommands() {
		return inspection.sync();
	}

	static QueueScripts scripts(QueueSettings settings) {
		return new QueueScripts(redis, settings);
	}

	static QueueKeys keys(QueueSettings settings) {
		return QueueKeys.of(settings.channel());
	}

}
