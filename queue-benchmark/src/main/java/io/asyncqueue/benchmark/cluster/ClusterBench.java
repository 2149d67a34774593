package io.asyncqueue.benchmark.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;

import io.asyncqueue.benchmark.RedisProbe;
import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.PushRequest;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.QueueWorker;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.test.RedisCluster;
import io.asyncqueue.test.RedisServer;

/**
 * The cluster figure of issue 15: one queue on a local 3-master Redis Cluster (no replicas), unsharded and with
 * {@code shards: 3}, in one run and alternating, so both meet the same machine load. Each round pushes N jobs (2
 * producer threads, {@code pushAll} batches of 100) and drains them with one worker (3 fetch loops, 32 handler
 * threads, a handler that does nothing), after one uncounted warm-up round of each, and reads {@code INFO cpu} of every master before and after each phase:
 * Redis CPU per job per master is robust against a busy machine, throughput is not.
 *
 * <pre>
 * java -cp queue-benchmark/target/classes:queue-benchmark/target/lib/* \
 *     io.asyncqueue.benchmark.cluster.ClusterBench [jobs per round, 50000] [rounds, 3]
 * </pre>
 */
public final class ClusterBench {

	private static final int BATCH = 100;

	private static final int PRODUCERS = 2;

	private ClusterBench() {
	}

	public static void main(String[] args) throws Exception {
		int jobs = (args.length > 0) ? Integer.parseInt(args[0]) : 50_000;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		try (RedisCluster cluster = RedisCluster.builder().masters(3).replicasPerMaster(0).build()) {
			RedisClusterClient client = RedisClusterClient
				.create(cluster.uris().stream().map(RedisURI::create).toList());
			client.setOptions(RedisConnector.defaultClusterClientOptions());
			List<RedisProbe> masters = cluster.masters().stream().map((m) -> new RedisProbe(m.port())).toList();
			try (RedisConnector redis = RedisConnector.of(client)) {
				for (int shards : new int[] { 1, 3 }) {
					// warm-up, not counted: the JIT and the scripts' first load would weigh on the first round only
					masters.forEach(RedisProbe::flushAll);
					round(redis, masters, shards, Math.max(jobs / 10, 1000));
				}
				List<Result> results = new ArrayList<>();
				for (int round = 1; round <= rounds; round++) {
					for (int shards : new int[] { 1, 3 }) {
						masters.forEach(RedisProbe::flushAll);
						Result result = round(redis, masters, shards, jobs);
						results.add(result);
						System.out.println("round " + round + ": " + result);
					}
				}
				System.out.println();
				System.out.println(table(results, cluster.masters(), jobs, rounds));
			}
			finally {
				masters.forEach(RedisProbe::close);
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
	}

	private static Result round(RedisConnector redis, List<RedisProbe> masters, int shards, int jobs)
			throws Exception {
		String name = "bench-" + shards;
		QueueSettings settings = QueueSettings.builder(name).shards(shards).consumers(3).concurrency(32).build();
		JobSerializer serializer = new JobSerializer();
		QueueClient client = new QueueClient(redis, serializer, Queues.of(settings));
		QueueOperations operations = new QueueOperations(redis, serializer, Queues.of(settings));

		double[] cpu0 = cpu(masters);
		long start = System.nanoTime();
		ExecutorService producers = Executors.newFixedThreadPool(PRODUCERS);
		List<Future<?>> pushing = new ArrayList<>();
		for (int p = 0; p < PRODUCERS; p++) {
			int share = jobs / PRODUCERS + ((p < jobs % PRODUCERS) ? 1 : 0);
			pushing.add(producers.submit(() -> {
				for (int done = 0; done < share; done += BATCH) {
					List<PushRequest> batch = new ArrayList<>(BATCH);
					for (int i = 0; i < Math.min(BATCH, share - done); i++) {
						batch.add(PushRequest.of("work", i));
					}
					client.pushAll(name, batch);
				}
			}));
		}
		for (Future<?> future : pushing) {
			future.get();
		}
		producers.shutdown();
		double pushSeconds = (System.nanoTime() - start) / 1e9;
		double[] cpu1 = cpu(masters);

		AtomicLong handled = new AtomicLong();
		QueueWorker worker = QueueWorker.builder(settings, redis)
			.serializer(serializer)
			.job("work", Integer.class, (n, context) -> handled.incrementAndGet())
			.build();
		start = System.nanoTime();
		worker.start();
		while (handled.get() < jobs) {
			Thread.sleep(5);
		}
		double drainSeconds = (System.nanoTime() - start) / 1e9;
		while (operations.counts(name).reserved() > 0) {
			Thread.sleep(5);
		}
		double[] cpu2 = cpu(masters);
		worker.stop(Duration.ofSeconds(5));
		return new Result(shards, jobs / pushSeconds, jobs / drainSeconds, perJob(cpu0, cpu1, jobs),
				perJob(cpu1, cpu2, jobs));
	}

	private static double[] cpu(List<RedisProbe> masters) {
		return masters.stream().mapToDouble(RedisProbe::cpuMillis).toArray();
	}

	/** µs of Redis CPU per job on each master. */
	private static double[] perJob(double[] before, double[] after, int jobs) {
		double[] micros = new double[before.length];
		for (int i = 0; i < before.length; i++) {
			micros[i] = (after[i] - before[i]) * 1000 / jobs;
		}
		return micros;
	}

	private static String table(List<Result> results, List<RedisServer> masters, int jobs, int rounds) {
		StringBuilder out = new StringBuilder();
		out.append(String.format(Locale.ROOT, "%d jobs per round, %d rounds alternating, medians; masters %s%n%n",
				jobs, rounds, masters.stream().map(RedisServer::port).toList()));
		out.append("| queue | push jobs/s | drain jobs/s | Redis CPU µs/job, push (per master) | Redis CPU µs/job, "
				+ "drain (per master) | Redis CPU µs/job, push + drain, all masters | busiest master µs/job |\n");
		out.append("| --- | ---: | ---: | --- | --- | ---: | ---: |\n");
		for (int shards : new int[] { 1, 3 }) {
			List<Result> of = results.stream().filter((r) -> r.shards() == shards).toList();
			double[] push = medians(of.stream().map(Result::pushCpu).toList());
			double[] drain = medians(of.stream().map(Result::drainCpu).toList());
			double busiest = 0;
			double total = 0;
			for (int i = 0; i < push.length; i++) {
				busiest = Math.max(busiest, push[i] + drain[i]);
				total += push[i] + drain[i];
			}
			out.append(String.format(Locale.ROOT, "| shards %d | %,.0f | %,.0f | %s | %s | %.1f | %.1f |%n", shards,
					median(of.stream().mapToDouble(Result::pushRate).toArray()),
					median(of.stream().mapToDouble(Result::drainRate).toArray()), format(push), format(drain), total,
					busiest));
		}
		return out.toString();
	}

	private static double[] medians(List<double[]> rows) {
		double[] medians = new double[rows.get(0).length];
		for (int i = 0; i < medians.length; i++) {
			int column = i;
			medians[i] = median(rows.stream().mapToDouble((row) -> row[column]).toArray());
		}
		return medians;
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int mid = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
	}

	private static String format(double[] micros) {
		StringBuilder out = new StringBuilder();
		for (double value : micros) {
			out.append((out.length() == 0) ? "" : " / ").append(String.format(Locale.ROOT, "%.1f", value));
		}
		return out.toString();
	}

	private record Result(int shards, double pushRate, double drainRate, double[] pushCpu, double[] drainCpu) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "shards %d: push %,.0f jobs/s, drain %,.0f jobs/s, µs/job push %s, drain %s",
					this.shards, this.pushRate, this.drainRate, format(this.pushCpu), format(this.drainCpu));
		}

	}

}
