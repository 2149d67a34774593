package io.asyncqueue.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PushTest extends RedisTestSupport {

	@Test
	void pushNowStoresTheJobAsWaiting() {
		QueueSettings settings = settings().build();
		PushResult result = client(settings).push(this.queue, "greet", Map.of("name", "Ada"));
		assertThat(result.created()).isTrue();
		assertThat(redisCommands().lrange(keys(settings).waiting(), 0, -1)).containsExactly(result.id());
		String envelope = redisCommands().hget(keys(settings).jobs(), result.id());
		JobEnvelope parsed = this.serializer.deserialize(envelope);
		assertThat(parsed.job()).isEqualTo("greet");
		assertThat(parsed.payload().path("name").asString()).isEqualTo("Ada");
		assertThat(operations(settings).counts(this.queue)).isEqualTo(new QueueCounts(this.queue, 1, 0, 0, 0, 0));
	}

	@Test
	void pushWithDelayIsScoredByRedisTime() {
		QueueSettings settings = settings().build();
		long before = redisMillis();
		PushResult result = client(settings).push(this.queue, "greet", "x", PushOptions.delay(Duration.ofMinutes(5)));
		Double score = redisCommands().zscore(keys(settings).delayed(), result.id());
		assertThat(score.longValue()).isBetween(before + 300_000, redisMillis() + 300_000);
		assertThat(operations(settings).counts(this.queue).delayed()).isEqualTo(1);
	}

	@Test
	void pushAtAnInstantIsDueThen() {
		QueueSettings settings = settings().build();
		Instant at = Instant.now().plus(Duration.ofHours(1));
		PushResult result = client(settings).push(this.queue, "greet", "x", PushOptions.at(at));
		assertThat(redisCommands().zscore(keys(settings).delayed(), result.id()).longValue()).isEqualTo(at.toEpochMilli());
		PushResult past = client(settings).push(this.queue, "greet", "x", PushOptions.at(Instant.now().minusSeconds(60)));
		assertThat(redisCommands().lrange(keys(settings).waiting(), 0, -1)).containsExactly(past.id());
	}

	@Test
	void uniqueIdPreventsASecondCopyWhileTheFirstIsPending() {
		QueueSettings settings = settings().build();
		QueueClient client = client(settings);
		PushResult first = client.push(this.queue, "greet", "a", PushOptions.unique("u-1"));
		PushResult second = client.push(this.queue, "greet", "b", PushOptions.delay(Duration.ofSeconds(30)).uniqueId("u-1"));
		assertThat(first.created()).isTrue();
		assertThat(second.duplicate()).isTrue();
		assertThat(second.id()).isEqualTo(first.id());
		assertThat(operations(settings).counts(this.queue).waiting()).isEqualTo(1);
		assertThat(operations(settings).counts(this.queue).delayed()).isZero();
	}

	@Test
	void uniqueIdIsFreeAgainOnceTheJobIsDone() {
		QueueSettings settings = settings().build();
		QueueClient client = client(settings);
		PushResult first = client.push(this.queue, "greet", "a", PushOptions.unique("u-2"));
		assertThat(operations(settings).delete(this.queue, first.id())).isTrue();
		PushResult again = client.push(this.queue, "greet", "a", PushOptions.unique("u-2"));
		assertThat(again.created()).isTrue();
		assertThat(again.id()).isNotEqualTo(first.id());
	}

	@Test
	void chosenJobIdLandsOnceWhileTheJobExists() {
		QueueSettings settings = settings().build();
		QueueClient client = client(settings);
		PushResult first = client.push(this.queue, "greet", "a", PushOptions.now().jobId("outbox-1"));
		PushResult again = client.pushAll(this.queue,
				List.of(new PushRequest("greet", "b", PushOptions.delay(Duration.ofMinutes(1)).jobId("outbox-1"))))
			.get(0);
		assertThat(first.id()).isEqualTo("outbox-1");
		assertThat(again.id()).isEqualTo("outbox-1");
		assertThat(redisCommands().lrange(keys(settings).waiting(), 0, -1)).containsExactly("outbox-1");
		assertThat(this.serializer.deserialize(redisCommands().hget(keys(settings).jobs(), "outbox-1")).payload().asString())
			.isEqualTo("a");
		assertThat(operations(settings).counts(this.queue)).isEqualTo(new QueueCounts(this.queue, 1, 0, 0, 0, 0));
	}

	@Test
	void chosenJobIdMustNotBeEmpty() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> PushOptions.now().jobId(""))
			.withMessageContaining("jobId");
		assertThat(PushOptions.now().jobId("x").withDelay(Duration.ofSeconds(1)).header("h", "v").uniqueId("u").jobId())
			.isEqualTo("x");
	}

	@Test
	void batchPushKeepsOrderAndReportsEachJob() {
		QueueSettings settings = settings().build();
		List<PushRequest> requests = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			requests.add(new PushRequest("n", i, (i == 7) ? PushOptions.unique("seven") : PushOptions.now()));
		}
		requests.add(new PushRequest("n", 7, PushOptions.unique("seven")));
		requests.add(new PushRequest("n", -1, PushOptions.delay(Duration.ofMinutes(1))));
		List<PushResult> results = client(settings).pushAll(this.queue, requests);
		assertThat(results).hasSize(502);
		assertThat(results.get(500).duplicate()).isTrue();
		assertThat(results.get(500).id()).isEqualTo(results.get(7).id());
		List<String> waiting = redisCommands().lrange(keys(settings).waiting(), 0, -1);
		assertThat(waiting).containsExactlyElementsOf(results.subList(0, 500).stream().map(PushResult::id).toList());
		assertThat(operations(settings).counts(this.queue).delayed()).isEqualTo(1);
	}

	@Test
	void oversizedPayloadIsRefusedWithTheLimitAndTheEnginesSetting() {
		QueueSettings settings = settings().maxPayloadSize(1024).build();
		assertThatExceptionOfType(PayloadTooLargeException.class)
			.isThrownBy(() -> client(settings).push(this.queue, "big", "x".repeat(2000)))
			.withMessageContaining("over the limit of 1024 bytes (the queue's maxPayloadSize setting)")
			.withMessageNotContaining("async-queue.")
			.withMessageNotContaining("max-payload-size");
		assertThat(operations(settings).counts(this.queue).waiting()).isZero();
	}

	@Test
	void pushToAnUndeclaredQueueFails() {
		QueueSettings settings = settings().build();
		assertThatExceptionOfType(QueueException.class)
			.isThrownBy(() -> client(settings).push("nowhere", "greet", "x"))
			.withMessageContaining("Unknown queue 'nowhere'");
	}

	@Test
	void pushAsyncCompletesWithTheId() throws Exception {
		QueueSettings settings = settings().build();
		PushResult result = client(settings).pushAsync(this.queue, "greet", "x", PushOptions.now()).get();
		assertThat(redisCommands().hexists(keys(settings).jobs(), result.id())).isTrue();
	}

	@Test
	void jobIdsAreUniqueAndSortable() {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			ids.add(JobIds.next());
		}
		assertThat(ids).doesNotHaveDuplicates().allSatisfy((id) -> assertThat(id).hasSize(20));
	}

	private static long redisMillis() {
		List<String> time = redisCommands().time();
		return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
	}

}
