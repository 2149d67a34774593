package io.asyncqueue.it;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.redis.RedisConnector;

/**
 * Records executions in Redis, on a plain Lettuce connection of its own (not the engine's), so that the
 * record survives this process being killed and a test can count executions per job without trusting it.
 *
 * <p>Keys, for queue {@code q}:
 * <ul>
 * <li>{@code it:q:runs} HASH job id → executions that finished their handler</li>
 * <li>{@code it:q:log} LIST of {@code E|worker|jobId|attempt|startMs|endMs|n|execId}, one per finished execution</li>
 * <li>{@code it:q:starts} LIST of {@code S|worker|jobId|attempt|startMs|n|execId} (only with record-starts)</li>
 * <li>{@code it:q:execs} SET of execution ids already recorded</li>
 * </ul>
 *
 * <p>A finished execution is recorded by one script, once per execution id: Lettuce re-sends a command
 * that was in flight when a connection dropped, and the set makes that replay harmless, so a job counted
 * twice really ran twice. The connection buffers commands while Redis is away (Lettuce's default), so a
 * handler that finishes during an outage records when Redis is back.
 */
final class Recorder implements AutoCloseable {

	private static final String FINISHED = """
			if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
			  redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
			  redis.call('RPUSH', KEYS[3], ARGV[3])
			end
			return 1
			""";

	private final ClientResources resources;

	private final RedisClient client;

	private final StatefulRedisConnection<String, String> connection;

	private final String workerId;

	private final boolean recordStarts;

	private final String[] finishedKeys;

	private final String startsKey;

	private final String timedKey;

	private final String finishedSha;

	private final String execPrefix;

	private final AtomicLong executions = new AtomicLong();

	Recorder(String uri, String queue, String workerId, boolean recordStarts) {
		this.resources = RedisConnector.defaultClientResources();
		RedisURI redisUri = RedisURI.create(uri);
		redisUri.setTimeout(Duration.ofSeconds(30));
		this.client = RedisClient.create(this.resources, redisUri);
		this.client.setOptions(ClientOptions.builder()
			.autoReconnect(true)
			.timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(30)))
			.build());
		this.connection = this.client.connect(StringCodec.UTF8);
		this.workerId = workerId;
		this.recordStarts = recordStarts;
		String prefix = "it:" + queue + ":";
		this.finishedKeys = new String[] { prefix + "execs", prefix + "runs", prefix + "log" };
		this.startsKey = prefix + "starts";
		this.timedKey = prefix + "timed";
		this.finishedSha = this.connection.sync().scriptLoad(FINISHED);
		this.execPrefix = workerId + ":" + ProcessHandle.current().pid() + ":";
	}

	/** One execution of a handler. */
	record Execution(String id, long startedAt) {
	}

	/**
	 * Note that an execution starts (recorded in Redis only with record-starts).
	 * @return the execution, to pass to {@link #finished}
	 */
	Execution started(JobContext context, int n) {
		Execution execution = new Execution(this.execPrefix + this.executions.incrementAndGet(),
				System.currentTimeMillis());
		if (this.recordStarts) {
			String line = String.join("|", "S", this.workerId, context.id(), Integer.toString(context.attempt()),
					Long.toString(execution.startedAt()), Integer.toString(n), execution.id());
			retrying(() -> this.connection.sync().rpush(this.startsKey, line));
		}
		return execution;
	}

	/**
	 * Record a finished execution, once. A command that fails (a connection reset while it was in flight
	 * fails it even though Redis may have run it) is sent again with the same execution id, which makes the
	 * replay harmless; so a handler fails (and its job runs again) only when Redis stays unreachable for 30 s.
	 */
	void finished(JobContext context, int n, Execution execution) {
		String execId = execution.id();
		String line = String.join("|", "E", this.workerId, context.id(), Integer.toString(context.attempt()),
				Long.toString(execution.startedAt()), Long.toString(System.currentTimeMillis()), Integer.toString(n),
				execId);
		RedisCommands<String, String> sync = this.connection.sync();
		String[] args = { execId, context.id(), line };
		retrying(() -> {
			try {
				sync.evalsha(this.finishedSha, ScriptOutputType.INTEGER, this.finishedKeys, args);
			}
			catch (RedisNoScriptException ex) {
				// Redis restarted and lost its script cache
				sync.eval(FINISHED, ScriptOutputType.INTEGER, this.finishedKeys, args);
			}
		});
	}

	/**
	 * Run a handler's work between two readings of Redis's clock, and record the execution with when its job was
	 * reserved (its lease deadline less the lease, read before any renewal can move it: a test of this uses a
	 * lease longer than itself) and when it started and ended, in µs of Redis's clock, in {@code it:q:timed} as
	 * {@code T|worker|jobId|attempt|reservedMs|startUs|endUs}. Flow-control tests measure limits from these.
	 */
	void timed(JobContext context, String reservedKey, long leaseMs, int n, long sleepMs) throws InterruptedException {
		Execution execution = started(context, n);
		RedisCommands<String, String> sync = this.connection.sync();
		long startUs = micros(sync.time());
		Double deadline = sync.zscore(reservedKey, context.id());
		long reservedMs = (deadline != null) ? deadline.longValue() - leaseMs : -1;
		if (sleepMs > 0) {
			Thread.sleep(sleepMs);
		}
		long endUs = micros(sync.time());
		String line = String.join("|", "T", this.workerId, context.id(), Integer.toString(context.attempt()),
				Long.toString(reservedMs), Long.toString(startUs), Long.toString(endUs));
		retrying(() -> sync.rpush(this.timedKey, line));
		finished(context, n, execution);
	}

	private static long micros(java.util.List<String> time) {
		return Long.parseLong(time.get(0)) * 1_000_000 + Long.parseLong(time.get(1));
	}

	private static void retrying(Runnable command) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (true) {
			try {
				command.run();
				return;
			}
			catch (RuntimeException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	@Override
	public void close() {
		this.connection.close();
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		this.resources.shutdown(0, 2, TimeUnit.SECONDS);
	}

}
