package io.asyncqueue.benchmark;

import java.util.concurrent.CompletableFuture;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

/**
 * What the transport costs one thread that pushes one job at a time (issue 18, "one thread ≥ 1.2× BullMQ"): the
 * same push-like script (HSETNX, RPUSH, ZADD) called one at a time through Lettuce (the caller hands the command to
 * the event loop, which hands the reply back), through Lettuce with a short spin on the reply before parking, and
 * through a blocking socket written and read on the caller's own thread ({@link RedisProbe}).
 *
 * <pre>java -cp "queue-benchmark/target/classes:queue-benchmark/target/lib/*" io.asyncqueue.benchmark.TransportProbe PORT [calls] [tries]</pre>
 */
public final class TransportProbe {

	private static final String SCRIPT = "redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]); "
			+ "redis.call('RPUSH', KEYS[2], ARGV[1]); redis.call('ZADD', KEYS[3], 1, ARGV[1]); return 1";

	private static final String ENVELOPE = "{\"job\":\"noop\",\"payload\":1,\"pushedAt\":1733000000000,\"headers\":{}}";

	private static final String[] KEYS = { "transport-probe:h", "transport-probe:l", "transport-probe:z" };

	private TransportProbe() {
	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		int calls = (args.length > 1) ? Integer.parseInt(args[1]) : 20_000;
		int tries = (args.length > 2) ? Integer.parseInt(args[2]) : 3;
		RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
		try (StatefulRedisConnection<String, String> connection = client.connect();
				RedisProbe blocking = new RedisProbe(port)) {
			RedisAsyncCommands<String, String> commands = connection.async();
			String sha = connection.sync().scriptLoad(SCRIPT);
			for (int attempt = 1; attempt <= tries; attempt++) {
				connection.sync().del(KEYS);
				long start = System.nanoTime();
				for (int i = 0; i < calls; i++) {
					commands.evalsha(sha, ScriptOutputType.INTEGER, KEYS, "id" + i, ENVELOPE).get();
				}
				report(attempt, "lettuce", calls, start);
				connection.sync().del(KEYS);
				start = System.nanoTime();
				for (int i = 0; i < calls; i++) {
					CompletableFuture<Long> reply = commands
						.<Long>evalsha(sha, ScriptOutputType.INTEGER, KEYS, "id" + i, ENVELOPE)
						.toCompletableFuture();
					long until = System.nanoTime() + 200_000;
					while (!reply.isDone() && System.nanoTime() < until) {
						Thread.onSpinWait();
					}
					reply.get();
				}
				report(attempt, "lettuce, 200 µs spin before parking", calls, start);
				connection.sync().del(KEYS);
				start = System.nanoTime();
				for (int i = 0; i < calls; i++) {
					blocking.call("EVALSHA", sha, "3", KEYS[0], KEYS[1], KEYS[2], "id" + i, ENVELOPE);
				}
				report(attempt, "blocking socket on the caller's thread", calls, start);
			}
			connection.sync().del(KEYS);
		}
		finally {
			client.shutdown();
		}
	}

	private static void report(int attempt, String transport, int calls, long startNanos) {
		double seconds = (System.nanoTime() - startNanos) / 1e9;
		System.out.printf("try %d  %-40s %,8.0f calls/s  %6.1f µs each%n", attempt, transport, calls / seconds,
				seconds * 1e6 / calls);
	}

}
