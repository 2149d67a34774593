package io.asyncqueue.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Single pushes from many threads travel together while a push call is in flight; each caller still
 * gets its own job's result, in its own order, and a queue-wide refusal reaches every one of them.
 */
class ConcurrentPushTest extends RedisTestSupport {

	private static final int THREADS = 16;

	private static final int PUSHES_PER_THREAD = 200;

	@Test
	void everyConcurrentPushGetsItsOwnJobInItsOwnOrder() throws Exception {
		QueueSettings settings = settings().build();
		QueueClient client = client(settings);
		long callsBefore = evalshaCalls();
		List<List<PushResult>> perThread = pushConcurrently((thread, i) -> client.push(this.queue, "n",
				thread * PUSHES_PER_THREAD + i));
		long calls = evalshaCalls() - callsBefore;

		Set<String> ids = new HashSet<>();
		perThread.forEach((results) -> results.forEach((result) -> {
			assertThat(result.created()).isTrue();
			ids.add(result.id());
		}));
		assertThat(ids).hasSize(THREADS * PUSHES_PER_THREAD);
		List<String> waiting = redisCommands().lrange(keys(settings).waiting(), 0, -1);
		assertThat(waiting).hasSize(THREADS * PUSHES_PER_THREAD).containsExactlyInAnyOrderElementsOf(ids);
		for (int thread = 0; thread < THREADS; thread++) {
			List<String> own = perThread.get(thread).stream().map(PushResult::id).toList();
			assertThat(waiting.stream().filter(own::contains).toList()).as("thread %d's jobs in its push order", thread)
				.containsExactlyElementsOf(own);
			for (int i = 0; i < PUSHES_PER_THREAD; i++) {
				String envelope = redisCommands().hget(keys(settings).jobs(), own.get(i));
				assertThat(this.serializer.deserialize(envelope).payload().asInt())
					.isEqualTo(thread * PUSHES_PER_THREAD + i);
			}
		}
		assertThat(calls).as("script calls for %d pushes from %d threads", THREADS * PUSHES_PER_THREAD, THREADS)
			.isLessThan(THREADS * PUSHES_PER_THREAD);
	}

	@Test
	void pushesReachRedisInTheOrderTheyWereMadeBatchesIncluded() {
		QueueSettings settings = settings().build();
		QueueClient client = client(settings);
		List<CompletableFuture<?>> pushes = new ArrayList<>();
		List<Integer> order = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			if (i % 50 == 49) {
				// a batch made behind queued single pushes must not overtake them
				List<PushRequest> batch = List.of(PushRequest.of("n", i), PushRequest.of("n", i + 1000));
				pushes.add(client.pushAllAsync(this.queue, batch));
				order.add(i);
				order.add(i + 1000);
			}
			else {
				pushes.add(client.pushAsync(this.queue, "n", i, PushOptions.now()));
				order.add(i);
			}
		}
		pushes.forEach(QueueClient::join);
		List<Integer> waiting = redisCommands().lrange(keys(settings).waiting(), 0, -1).stream()
			.map((id) -> this.serializer.deserialize(redisCommands().hget(keys(settings).jobs(), id)).payload().asInt())
			.toList();
		assertThat(waiting).containsExactlyElementsOf(order);
	}

	@Test
	void concurrentPushesOfOneUniqueIdCreateOneJob() throws Exception {
		QueueSettings settings = settings().build();
		QueueClient client = client(settings);
		List<List<PushResult>> perThread = pushConcurrently(
				(thread, i) -> client.push(this.queue, "n", i, PushOptions.unique("u-" + i)));
		for (int i = 0; i < PUSHES_PER_THREAD; i++) {
			int n = i;
			List<PushResult> sameUniqueId = perThread.stream().map((results) -> results.get(n)).toList();
			assertThat(sameUniqueId).filteredOn(PushResult::created).hasSize(1);
			assertThat(sameUniqueId).extracting(PushResult::id).containsOnly(sameUniqueId.get(0).id());
		}
		assertThat(operations(settings).counts(this.queue).waiting()).isEqualTo(PUSHES_PER_THREAD);
	}

	@Test
	void aRefusalOfTheQueueReachesEveryConcurrentCaller() throws Exception {
		QueueSettings settings = settings().build();
		QueueClient client = client(settings);
		operations(settings).closePushes(this.queue);
		List<CompletableFuture<PushResult>> pushes = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			pushes.add(client.pushAsync(this.queue, "n", i, PushOptions.now()));
		}
		for (CompletableFuture<PushResult> push : pushes) {
			assertThatExceptionOfType(QueueClosedException.class).isThrownBy(() -> QueueClient.join(push));
		}
		assertThat(operations(settings).counts(this.queue).waiting()).isZero();
		// an oversized payload is refused on its own, before it could join anyone else's call
		operations(settings).openPushes(this.queue);
		QueueSettings small = settings().maxPayloadSize(100).build();
		CompletableFuture<PushResult> tooLarge = client(small).pushAsync(this.queue, "n", "x".repeat(200),
				PushOptions.now());
		CompletableFuture<PushResult> fine = client(small).pushAsync(this.queue, "n", "y", PushOptions.now());
		assertThatExceptionOfType(PayloadTooLargeException.class).isThrownBy(() -> QueueClient.join(tooLarge));
		assertThat(QueueClient.join(fine).created()).isTrue();
	}

	private interface Push {

		PushResult push(int thread, int i);

	}

	private List<List<PushResult>> pushConcurrently(Push push) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(THREADS);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<List<PushResult>>> futures = new ArrayList<>();
			for (int thread = 0; thread < THREADS; thread++) {
				int t = thread;
				futures.add(pool.submit(() -> {
					start.await();
					List<PushResult> results = new ArrayList<>();
					for (int i = 0; i < PUSHES_PER_THREAD; i++) {
						results.add(push.push(t, i));
					}
					return results;
				}));
			}
			start.countDown();
			List<List<PushResult>> perThread = new ArrayList<>();
			for (Future<List<PushResult>> future : futures) {
				perThread.add(future.get(60, TimeUnit.SECONDS));
			}
			return perThread;
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static long evalshaCalls() {
		String stats = redisCommands().info("commandstats");
		for (String line : stats.split("\r?\n")) {
			if (line.startsWith("cmdstat_evalsha:")) {
				return Long.parseLong(line.replaceAll(".*calls=(\\d+).*", "$1"));
			}
		}
		return 0;
	}

}
