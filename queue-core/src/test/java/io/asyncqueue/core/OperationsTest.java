package io.asyncqueue.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.asyncqueue.core.scripts.FetchedJob;
import io.asyncqueue.core.scripts.QueueScripts;
import io.asyncqueue.core.scripts.SettleRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

class OperationsTest extends RedisTestSupport {

	@Test
	void failedJobsArePagedNewestFirstAndCanBeReloadedRetriedAndDeleted() {
		QueueSettings settings = settings().maxAttempts(1).build();
		QueueOperations operations = operations(settings);
		List<String> succeeded = new CopyOnWriteArrayList<>();
		java.util.concurrent.atomic.AtomicBoolean healthy = new java.util.concurrent.atomic.AtomicBoolean();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
			if (!healthy.get()) {
				throw new IllegalStateException("down " + n);
			}
			succeeded.add(context.id());
		}));
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			ids.add(client(settings).push(this.queue, "n", i, PushOptions.unique("u" + i)).id());
			int expected = i + 1;
			await().atMost(Duration.ofSeconds(10)).until(() -> operations.counts(this.queue).failed() == expected);
		}
		List<FailedJob> page = operations.failedJobs(this.queue, 0, 2);
		assertThat(page).extracting(FailedJob::id).containsExactly(ids.get(4), ids.get(3));
		assertThat(operations.failedJobs(this.queue, 4, 10)).extracting(FailedJob::id).containsExactly(ids.get(0));
		// the unique id is released by failure, so the same work can be pushed again
		assertThat(client(settings).push(this.queue, "n", 9, PushOptions.delay(Duration.ofHours(1)).uniqueId("u0"))
			.created()).isTrue();
		assertThat(operations.delete(this.queue, ids.get(0))).isTrue();
		assertThat(operations.delete(this.queue, ids.get(0))).isFalse();
		healthy.set(true);
		assertThat(operations.retry(this.queue, ids.get(1)).moved()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> succeeded.contains(ids.get(1)));
		assertThat(operations.reloadAll(this.queue, JobState.FAILED)).isEqualTo(new ReloadResult(3, List.of()));
		await().atMost(Duration.ofSeconds(10)).until(() -> succeeded.size() == 4);
		// the last handler has returned; its ack follows it to Redis
		await().atMost(Duration.ofSeconds(10))
			.until(() -> operations.counts(this.queue).equals(new QueueCounts(this.queue, 0, 1, 0, 0, 0)));
	}

	@Test
	void reloadLeavesAJobWhoseUniqueIdIsHeldByAnotherAndSaysWhy() {
		QueueSettings settings = settings().build();
		QueueOperations operations = operations(settings);
		QueueScripts scripts = scripts(settings);
		String first = client(settings).push(this.queue, "n", 1, PushOptions.unique("u")).id();
		String plain = client(settings).push(this.queue, "n", 2).id();
		for (FetchedJob job : QueueClient.join(scripts.fetch(2, "{}")).jobs()) {
			QueueClient.join(scripts.settle(SettleRecord.fail(job.id(), job.token(), "{}", job.id().equals(first) ? "u" : null)));
		}
		// the unique id was freed by the failure and taken by a new job
		String holder = client(settings).push(this.queue, "n", 3, PushOptions.delay(Duration.ofHours(1)).uniqueId("u")).id();
		ReloadResult reloaded = operations.reloadAll(this.queue, JobState.FAILED);
		assertThat(reloaded.moved()).isEqualTo(1);
		assertThat(reloaded.skipped()).containsExactly(new ReloadResult.Skipped(first, "u", holder));
		assertThat(reloaded.skipped().get(0).reason())
			.isEqualTo("job " + first + " not reloaded: unique id 'u' is held by job " + holder);
		assertThat(redisCommands().zrange(keys(settings).failed(), 0, -1)).as("left parked").containsExactly(first);
		assertThat(redisCommands().lrange(keys(settings).waiting(), 0, -1)).containsExactly(plain);
		assertThat(redisCommands().hget(keys(settings).unique(), "u")).isEqualTo(holder);
		assertThat(operations.retry(this.queue, first).skipped()).extracting(ReloadResult.Skipped::holder)
			.containsExactly(holder);
		// once the holder is gone, the job can take its unique id back
		assertThat(operations.delete(this.queue, holder)).isTrue();
		assertThat(operations.retry(this.queue, first)).isEqualTo(new ReloadResult(1, List.of()));
		assertThat(redisCommands().hget(keys(settings).unique(), "u")).isEqualTo(first);
	}

	@Test
	void deleteFindsAJobInAnyStateAndScansWaitingOnlyForAWaitingJob() {
		QueueSettings settings = settings().build();
		QueueOperations operations = operations(settings);
		List<PushRequest> backlog = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			backlog.add(PushRequest.of("n", i));
		}
		List<String> waiting = client(settings).pushAll(this.queue, backlog).stream().map(PushResult::id).toList();
		String delayed = client(settings).push(this.queue, "n", 1, PushOptions.delay(Duration.ofHours(1)).uniqueId("d"))
			.id();
		long scans = lremCalls();
		assertThat(operations.delete(this.queue, delayed)).isTrue();
		assertThat(lremCalls()).as("a delayed job is found without scanning waiting").isEqualTo(scans);
		assertThat(redisCommands().hexists(keys(settings).unique(), "d")).isFalse();
		assertThat(operations.delete(this.queue, waiting.get(50))).isTrue();
		assertThat(redisCommands().lrange(keys(settings).waiting(), 0, -1)).hasSize(99).doesNotContain(waiting.get(50));
		assertThat(redisCommands().hexists(keys(settings).jobs(), waiting.get(50))).isFalse();
		assertThat(operations.delete(this.queue, waiting.get(50))).isFalse();
		assertThat(operations.counts(this.queue)).isEqualTo(new QueueCounts(this.queue, 99, 0, 0, 0, 0));
	}

	private static long lremCalls() {
		for (String line : redisCommands().info("commandstats").split("\\r?\\n")) {
			if (line.startsWith("cmdstat_lrem:calls=")) {
				return Long.parseLong(line.substring("cmdstat_lrem:calls=".length(), line.indexOf(',')));
			}
		}
		return 0;
	}

	@Test
	void flushDeletesOneStateWithItsData() {
		QueueSettings settings = settings().build();
		List<PushRequest> requests = new ArrayList<>();
		for (int i = 0; i < 2500; i++) {
			requests.add(PushRequest.of("n", i));
		}
		requests.add(new PushRequest("n", 1, PushOptions.delay(Duration.ofHours(1)).uniqueId("later")));
		client(settings).pushAll(this.queue, requests);
		QueueOperations operations = operations(settings);
		assertThat(operations.flush(this.queue, JobState.WAITING)).isEqualTo(2500);
		assertThat(operations.counts(this.queue)).isEqualTo(new QueueCounts(this.queue, 0, 1, 0, 0, 0));
		assertThat(redisCommands().hlen(keys(settings).jobs())).isEqualTo(1);
		assertThat(operations.flush(this.queue, JobState.DELAYED)).isEqualTo(1);
		assertThat(redisCommands().hlen(keys(settings).jobs())).isZero();
		assertThat(redisCommands().hlen(keys(settings).unique())).isZero();
	}

	@Test
	void oldestWaitingJobTellsHowLongTheQueueHasNotBeenDrained() {
		QueueSettings settings = settings().build();
		QueueOperations operations = operations(settings);
		assertThat(operations.oldestWaitingPushedAt(this.queue)).isNull();
		java.time.Instant before = java.time.Instant.now().minusMillis(1);
		client(settings).push(this.queue, "n", 1);
		client(settings).push(this.queue, "n", 2);
		assertThat(operations.oldestWaitingPushedAt(this.queue)).isBetween(before, java.time.Instant.now());
	}

	@Test
	void onlyParkedStatesCanBeReloaded() {
		QueueSettings settings = settings().build();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> operations(settings).reloadAll(this.queue, JobState.WAITING))
			.withMessageContaining("not waiting");
	}

	@Test
	void stateNamesParseIgnoringCase() {
		assertThat(JobState.of("Failed")).isEqualTo(JobState.FAILED);
		assertThatIllegalArgumentException().isThrownBy(() -> JobState.of("lost"))
			.withMessageContaining("waiting, delayed, reserved, failed, timeout");
	}

}
