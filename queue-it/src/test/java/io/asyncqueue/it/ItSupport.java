package io.asyncqueue.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.PushRequest;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.it.WorkerMain.Work;
import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A private redis-server per test class, worker JVMs per test (all killed after it, pass or fail), a
 * producer, and readers for what the workers recorded and for the queue's keys.
 */
abstract class ItSupport {

	/** On a test class: its redis-server runs with {@code appendonly yes}. */
	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.TYPE)
	@interface AppendOnly {
	}

	/** Where worker logs go: target/it-logs/<class>/<method>/<worker>.log */
	static final Path OUTPUT = Path.of(System.getProperty("it.output", "target"));

	private static final String STATE = """
			return { redis.call('HLEN', KEYS[7]),
			  redis.call('LLEN', KEYS[1]) + redis.call('ZCARD', KEYS[15])
			    + tonumber(redis.call('HGET', KEYS[12], 'group-waiting') or 0), redis.call('ZCARD', KEYS[2]),
			  redis.call('ZCARD', KEYS[3]), redis.call('ZCARD', KEYS[4]), redis.call('ZCARD', KEYS[5]) }
			""";

	private static final String RESERVED = """
			local ids = redis.call('ZRANGE', KEYS[3], 0, -1)
			local out = {}
			for _, id in ipairs(ids) do
			  out[#out + 1] = id
			  out[#out + 1] = redis.call('HGET', KEYS[8], id) or '0'
			end
			return out
			""";

	private static volatile String redisDescription = "redis-server";

	static RedisServer server;

	static ClientResources resources;

	static RedisClient adminClient;

	static StatefulRedisConnection<String, String> admin;

	static RedisConnector redis;

	final JobSerializer serializer = new JobSerializer();

	final List<WorkerProcess> workers = new ArrayList<>();

	String queue;

	Path logDirectory;

	QueueClient client;

	QueueOperations operations;

	@BeforeAll
	static void startRedis(TestInfo info) {
		Preload.jarsOf(QueueClient.class, RedisServer.class);
		boolean appendOnly = info.getTestClass().map((type) -> type.isAnnotationPresent(AppendOnly.class)).orElse(false);
		server = RedisServer.builder().appendOnly(appendOnly).build();
		redisDescription = server.description().replaceFirst(" on \\S+$", "");
		resources = RedisConnector.defaultClientResources();
		adminClient = RedisClient.create(resources, RedisURI.create(server.uri()));
		admin = adminClient.connect();
		redis = RedisConnector.create(server.uri());
	}

	@AfterAll
	static void stopRedis() {
		try {
			if (redis != null) {
				redis.close();
			}
			if (admin != null) {
				admin.close();
			}
			if (adminClient != null) {
				adminClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
			if (resources != null) {
				resources.shutdown(0, 2, TimeUnit.SECONDS);
			}
		}
		finally {
			if (server != null) {
				server.close();
			}
		}
	}

	static String redisDescription() {
		return redisDescription;
	}

	@BeforeEach
	void setUp(TestInfo info) {
		String type = info.getTestClass().map(Class::getSimpleName).orElse("it");
		String method = info.getTestMethod().map((m) -> m.getName()).orElse("test");
		this.queue = (type + "-" + method).toLowerCase(Locale.ROOT);
		this.logDirectory = OUTPUT.resolve("it-logs").resolve(type).resolve(method);
		QueueSettings settings = QueueSettings.defaults(this.queue);
		this.client = new QueueClient(redis, this.serializer, Queues.of(settings));
		this.operations = new QueueOperations(redis, this.serializer, Queues.of(settings));
	}

	/** Every worker JVM of the test is killed, whatever the outcome. */
	@AfterEach
	void killWorkers() {
		try {
			reportLeaseWarnings();
		}
		finally {
			for (WorkerProcess worker : this.workers) {
				worker.close();
			}
			this.workers.clear();
		}
	}

	/**
	 * Counts the workers' "lost its lease" warnings and how many were about jobs that ran once, on their first
	 * attempt: false alarms (see {@link SpuriousLeaseLossIT}).
	 */
	private void reportLeaseWarnings() {
		try {
			java.util.regex.Pattern lost = java.util.regex.Pattern.compile("job (\\S+) lost its lease while running");
			List<String> warned = new ArrayList<>();
			for (WorkerProcess worker : this.workers) {
				java.util.regex.Matcher matcher = lost.matcher(java.nio.file.Files.readString(worker.logFile()));
				while (matcher.find()) {
					warned.add(matcher.group(1));
				}
			}
			if (warned.isEmpty() || !server.isRunning()) {
				return;
			}
			Records records = records();
			long falseAlarms = warned.stream()
				.filter((id) -> records.runs.getOrDefault(id, 0L) == 1
						&& records.finishedOf(id).stream().allMatch((f) -> f.attempt() == 1))
				.count();
			System.out.println("[" + getClass().getSimpleName() + "] " + warned.size() + " 'lost its lease' warning(s)"
					+ " in the worker logs, " + falseAlarms + " of them for jobs that ran once, on attempt 1 (false alarms,"
					+ " see SpuriousLeaseLossIT)");
		}
		catch (java.io.IOException | RuntimeException ex) {
			// only a report
		}
	}

	/** Start worker JVMs (in parallel) and wait until each is consuming. */
	List<WorkerProcess> startWorkers(Map<String, String> options, String... ids) {
		List<WorkerProcess> started = new ArrayList<>();
		for (String id : ids) {
			Map<String, String> args = new LinkedHashMap<>();
			args.put("redis", server.uri());
			args.put("queue", this.queue);
			args.put("worker", id);
			args.putAll(options);
			List<String> argv = new ArrayList<>();
			args.forEach((key, value) -> argv.add(key + "=" + value));
			WorkerProcess worker = WorkerProcess.start(id, this.logDirectory, argv);
			this.workers.add(worker);
			started.add(worker);
		}
		for (WorkerProcess worker : started) {
			worker.awaitEvent("READY", Duration.ofSeconds(60));
		}
		return started;
	}

	/** Push {@code count} work jobs, numbered from {@code firstN}, in batches of 1000. */
	List<String> pushWork(int count, int firstN, long sleepMs) {
		List<String> ids = new ArrayList<>(count);
		List<PushRequest> batch = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			batch.add(PushRequest.of("work", new Work(firstN + i, sleepMs)));
			if (batch.size() == 1000 || i == count - 1) {
				for (PushResult result : this.client.pushAll(this.queue, batch)) {
					ids.add(result.id());
				}
				batch.clear();
			}
		}
		return ids;
	}

	RedisCommands<String, String> admin() {
		return admin.sync();
	}

	QueueKeys keys() {
		return QueueKeys.of(QueueSettings.defaults(this.queue).channel());
	}

	/** The queue's keys in one atomic read. */
	record State(long envelopes, long waiting, long delayed, long reserved, long failed, long timeout) {

		/** Jobs not yet done: waiting, delayed or running. */
		long pending() {
			return this.waiting + this.delayed + this.reserved;
		}

		/** Every stored envelope is in exactly one state: nothing half-written, nothing dangling. */
		boolean consistent() {
			return this.envelopes == this.waiting + this.delayed + this.reserved + this.failed + this.timeout;
		}

	}

	State state() {
		List<Long> s = admin().eval(STATE, ScriptOutputType.MULTI, keys().all().toArray(String[]::new));
		return new State(s.get(0), s.get(1), s.get(2), s.get(3), s.get(4), s.get(5));
	}

	/** The reserved (in-flight) jobs with their attempt numbers, in one atomic read. */
	Map<String, Integer> reservedSnapshot() {
		List<String> flat = admin().eval(RESERVED, ScriptOutputType.MULTI, keys().all().toArray(String[]::new));
		Map<String, Integer> reserved = new LinkedHashMap<>();
		for (int i = 0; i < flat.size(); i += 2) {
			// the attempts hash holds 'attempt:fence' while a job is reserved (the whole value is its lease token)
			reserved.put(flat.get(i), Integer.parseInt(flat.get(i + 1).split(":", 2)[0]));
		}
		return reserved;
	}

	long handledCount() {
		return admin().hlen(recordKey("runs"));
	}

	String recordKey(String part) {
		return "it:" + this.queue + ":" + part;
	}

	Records records() {
		RedisCommands<String, String> admin = admin();
		return new Records(admin.lrange(recordKey("log"), 0, -1), admin.lrange(recordKey("starts"), 0, -1),
				admin.hgetall(recordKey("runs")));
	}

	/** Wait until at least {@code count} distinct jobs finished a handler. */
	void awaitHandled(long count, Duration atMost) {
		await().atMost(atMost).pollInterval(Duration.ofMillis(10)).until(() -> handledCount() >= count);
	}

	/** Wait until {@code count} jobs finished and nothing is waiting, delayed or running any more. */
	void awaitDrained(long count, Duration atMost) {
		await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> handledCount() >= count
				&& state().pending() == 0);
		assertThat(handledCount()).as("distinct jobs handled").isEqualTo(count);
	}

	static String seconds(long millis) {
		return String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
	}

	static void log(String format, Object... args) {
		System.out.println("[" + Thread.currentThread().getStackTrace()[2].getClassName()
			.replace("io.asyncqueue.it.", "") + "] " + String.format(Locale.ROOT, format, args));
	}

}
