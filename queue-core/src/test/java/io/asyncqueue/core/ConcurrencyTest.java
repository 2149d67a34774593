package io.asyncqueue.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ConcurrencyTest extends RedisTestSupport {

	@Test
	void fourConsumersOfEightThreadsHandleEachOfTwentyThousandJobsExactlyOnce() {
		QueueSettings settings = settings().concurrency(8).build();
		Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
		AtomicInteger total = new AtomicInteger();
		for (int i = 0; i < 4; i++) {
			start(QueueWorker.builder(settings, redis).job("count", Integer.class, (n, context) -> {
				runs.computeIfAbsent(context.id(), (id) -> new AtomicInteger()).incrementAndGet();
				total.incrementAndGet();
			}));
		}
		QueueClient client = client(settings);
		List<String> ids = new ArrayList<>();
		for (int batch = 0; batch < 20; batch++) {
			List<PushRequest> requests = new ArrayList<>();
			for (int i = 0; i < 1000; i++) {
				requests.add(PushRequest.of("count", batch * 1000 + i));
			}
			client.pushAll(this.queue, requests).forEach((result) -> ids.add(result.id()));
		}
		await().atMost(Duration.ofSeconds(120)).until(() -> total.get() >= 20_000);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> operations(settings).counts(this.queue).equals(new QueueCounts(this.queue, 0, 0, 0, 0, 0)));
		assertThat(runs).hasSize(20_000);
		assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(ids);
		assertThat(runs.values()).allSatisfy((count) -> assertThat(count).hasValue(1));
		assertThat(total).hasValue(20_000);
	}

}
