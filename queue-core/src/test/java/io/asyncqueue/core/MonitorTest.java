package io.asyncqueue.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.asyncqueue.core.monitor.HistoryPoint;
import io.asyncqueue.core.monitor.InstanceHeartbeat;
import io.asyncqueue.core.monitor.InstanceInfo;
import io.asyncqueue.core.monitor.InstanceInfo.QueueLoad;
import io.asyncqueue.core.monitor.Instances;
import io.asyncqueue.core.monitor.JobInspector;
import io.asyncqueue.core.monitor.JobSnapshot;
import io.asyncqueue.core.monitor.QueueHistory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dashboard's sources: history counted by the settle script, and instance heartbeats. */
class MonitorTest extends RedisTestSupport {

	@Test
	void settlesCountProcessedFailedAndRetriedJobsPerMinuteAndHourWithATtl() {
		QueueSettings settings = settings().maxAttempts(2).build();
		QueueOperations operations = operations(settings);
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
			if (n < 0) {
				throw new IllegalStateException("negative " + n);
			}
		}));
		for (int i = 0; i < 5; i++) {
			client(settings).push(this.queue, "n", i);
		}
		client(settings).push(this.queue, "n", -1);
		await().atMost(Duration.ofSeconds(10)).until(() -> operations.counts(this.queue).failed() == 1);
		QueueHistory history = new QueueHistory(redis, Queues.of(settings));
		long minute = history.currentMinute().join();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			// the jobs may straddle a minute (or an hour): sum the last two
			List<HistoryPoint> hour = history.lastHour(this.queue, minute + 1).join();
			assertThat(hour).hasSize(60);
			HistoryPoint recent = sum(hour.subList(57, 60));
			assertThat(recent).extracting(HistoryPoint::processed, HistoryPoint::failed, HistoryPoint::retried)
				.containsExactly(5L, 1L, 1L);
			List<HistoryPoint> day = history.lastDay(this.queue, minute + 1).join();
			assertThat(day).hasSize(24);
			assertThat(sum(day.subList(22, 24))).extracting(HistoryPoint::processed, HistoryPoint::failed,
					HistoryPoint::retried).containsExactly(5L, 1L, 1L);
		});
		String key = redisCommands().keys("{" + settings.channel() + "}:history:*").get(0);
		assertThat(redisCommands().ttl(key)).isBetween(Duration.ofHours(24).toSeconds(),
				QueueHistory.RETENTION.toSeconds());
	}

	@Test
	void aFailedJobCanBeInspectedWithItsErrorAndStackTrace() {
		QueueSettings settings = settings().maxAttempts(1).build();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
			throw new IllegalStateException("broken " + n);
		}));
		String id = client(settings).push(this.queue, "n", 7).id();
		JobInspector inspector = new JobInspector(redis, Queues.of(settings));
		JobSnapshot job = await().atMost(Duration.ofSeconds(10))
			.until(() -> inspector.find(this.queue, id).join(), (found) -> found.state() == JobState.FAILED);
		assertThat(job.attempts()).isEqualTo(1);
		assertThat(job.stateSince()).isNotNull();
		assertThat(job.envelope()).contains("\"job\":\"n\"");
		JsonNode error = this.serializer.mapper().readTree(job.error());
		assertThat(error.path("message").asString()).isEqualTo("broken 7");
		assertThat(error.path("stackTrace").asString()).startsWith("java.lang.IllegalStateException: broken 7")
			.contains("\tat io.asyncqueue.core.MonitorTest");
		assertThat(inspector.find(this.queue, "no-such-job").join()).isNull();
	}

	@Test
	void aLiveInstanceIsListedAndDisappearsWhenStoppedOrSilent() {
		AtomicBoolean alive = new AtomicBoolean(true);
		Instances instances = new Instances(redis);
		try (InstanceHeartbeat stopped = new InstanceHeartbeat(redis,
				() -> List.of(new QueueLoad(this.queue, 4, 1)), Duration.ofMillis(200));
				InstanceHeartbeat silent = new InstanceHeartbeat(redis, () -> {
					if (!alive.get()) {
						throw new IllegalStateException("hung");
					}
					return List.of(new QueueLoad("other", 2, 0));
				}, Duration.ofMillis(200))) {
			stopped.start();
			silent.start();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> instances.live().join().stream().map(InstanceInfo::id).toList(),
						(ids) -> ids.containsAll(List.of(stopped.id(), silent.id())));
			InstanceInfo info = instances.live().join().stream()
				.filter((instance) -> instance.id().equals(stopped.id()))
				.findFirst()
				.orElseThrow();
			assertThat(info.pid()).isEqualTo(ProcessHandle.current().pid());
			assertThat(info.queues()).containsExactly(new QueueLoad(this.queue, 4, 1));
			assertThat(info.startedAt()).isBeforeOrEqualTo(info.beatAt());
			stopped.close();
			assertThat(instances.live().join()).extracting(InstanceInfo::id).doesNotContain(stopped.id());
			alive.set(false);
			// its key outlives its last beat by three intervals, then the instance is gone
			await().atMost(Duration.ofSeconds(5))
				.until(() -> instances.live().join().stream().noneMatch((instance) -> instance.id().equals(silent.id())));
		}
	}

	private static HistoryPoint sum(List<HistoryPoint> points) {
		return new HistoryPoint(points.get(0).start(), points.stream().mapToLong(HistoryPoint::processed).sum(),
				points.stream().mapToLong(HistoryPoint::failed).sum(),
				points.stream().mapToLong(HistoryPoint::retried).sum());
	}

}
