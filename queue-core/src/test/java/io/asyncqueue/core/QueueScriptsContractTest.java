package io.asyncqueue.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.asyncqueue.core.scripts.FetchReply;
import io.asyncqueue.core.scripts.FetchedJob;
import io.asyncqueue.core.scripts.Lease;
import io.asyncqueue.core.scripts.ParkedEntry;
import io.asyncqueue.core.scripts.PushRecord;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.core.scripts.QueueScripts;
import io.asyncqueue.core.scripts.QueueScripts.Switch;
import io.asyncqueue.core.scripts.ReloadChunk;
import io.asyncqueue.core.scripts.SettleRecord;
import io.asyncqueue.core.scripts.SettleReply;

import static io.asyncqueue.core.scripts.SettleReply.APPLIED;
import static io.asyncqueue.core.scripts.SettleReply.GONE;
import static io.asyncqueue.core.scripts.SettleReply.NOT_OWNED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Lua contract, script by script, through {@link QueueScripts}: what each one is given, what it
 * replies and which state it leaves in Redis. One scenario per script; the engine's other tests rely on
 * these shapes without restating them.
 */
class QueueScriptsContractTest extends RedisTestSupport {

	private static final String STALLED = "{\"reason\":\"stalled\"}";

	@Test
	void pushCreatesWaitingAndDelayedJobsAndReportsAUniqueIdsHolder() {
		QueueScripts scripts = scripts(settings().build());
		QueueKeys keys = scripts.keys();
		long inAMinute = Instant.now().plusSeconds(60).toEpochMilli();
		List<PushResult> results = QueueClient.join(scripts.push(List.of(new PushRecord("a", "{}", 0, 0, null),
				new PushRecord("b", "{}", 60_000, 0, null), new PushRecord("c", "{}", 0, inAMinute, null),
				new PushRecord("d", "{\"uniqueId\":\"u\"}", 0, 0, "u"), new PushRecord("e", "{}", 0, 0, "u"))));
		assertThat(results).containsExactly(new PushResult("a", true), new PushResult("b", true),
				new PushResult("c", true), new PushResult("d", true), new PushResult("d", false));
		assertThat(redisCommands().lrange(keys.waiting(), 0, -1)).containsExactly("a", "d");
		assertThat(redisCommands().zrange(keys.delayed(), 0, -1)).containsExactlyInAnyOrder("b", "c");
		assertThat(redisCommands().zscore(keys.delayed(), "c").longValue()).isEqualTo(inAMinute);
		assertThat(redisCommands().hget(keys.unique(), "u")).isEqualTo("d");
		assertThat(redisCommands().hexists(keys.jobs(), "e")).isFalse();
		assertThat(redisCommands().zcard(keys.marker())).as("consumers are signalled").isEqualTo(1);
	}

	@Test
	void pushToAClosedQueueFailsWithPushClosedAndWritesNothing() {
		QueueScripts scripts = scripts(settings().build());
		assertThat(QueueClient.join(scripts.control(Switch.PUSH_CLOSED, true))).isTrue();
		assertThat(QueueClient.join(scripts.isOn(Switch.PUSH_CLOSED))).isTrue();
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> QueueClient.join(scripts.push(List.of(new PushRecord("a", "{}", 0, 0, null)))))
			.withMessageStartingWith("PUSH_CLOSED");
		assertThat(redisCommands().exists(scripts.keys().jobs())).isZero();
	}

	@Test
	void fetchReservesJobsWithAttemptAndTokenAndSaysWhenToLookAgain() {
		QueueScripts scripts = scripts(settings().leaseDuration(Duration.ofSeconds(30)).build());
		push(scripts, "a", "b", "c");
		FetchReply reply = QueueClient.join(scripts.fetch(2, STALLED));
		assertThat(reply.jobs()).extracting(FetchedJob::id).containsExactly("a", "b");
		assertThat(reply.jobs()).extracting(FetchedJob::attempt).containsOnly(1);
		assertThat(reply.jobs()).extracting(FetchedJob::envelope).containsOnly("{}");
		assertThat(reply.jobs()).allSatisfy((job) -> assertThat(job.token()).isNotBlank());
		assertThat(reply.wakeInMillis()).as("jobs are still waiting").isZero();
		assertThat(redisCommands().zrange(scripts.keys().reserved(), 0, -1)).containsExactlyInAnyOrder("a", "b");
		FetchReply rest = QueueClient.join(scripts.fetch(5, STALLED));
		assertThat(rest.jobs()).extracting(FetchedJob::id).containsExactly("c");
		assertThat(rest.wakeInMillis()).as("the earliest lease").isBetween(25_000L, 30_000L);
		QueueScripts idle = scripts(QueueSettings.builder(this.queue + "-idle").build());
		assertThat(QueueClient.join(idle.fetch(5, STALLED)))
			.isEqualTo(new FetchReply(List.of(), List.of(), List.of(), FetchReply.NOTHING_SCHEDULED, FetchReply.NOTHING_SCHEDULED));
	}

	@Test
	void fetchPromotesDueDelayedJobsAndRecoversExpiredLeases() throws InterruptedException {
		QueueScripts scripts = scripts(settings().leaseDuration(Duration.ofMillis(300)).maxStalls(1).build());
		QueueClient.join(scripts.push(List.of(new PushRecord("late", "{}", 100, 0, null))));
		push(scripts, "a");
		assertThat(QueueClient.join(scripts.fetch(1, STALLED)).jobs()).extracting(FetchedJob::id).containsExactly("a");
		Thread.sleep(350);
		FetchReply reply = QueueClient.join(scripts.fetch(0, STALLED));
		assertThat(reply.recovered()).containsExactly("a");
		assertThat(redisCommands().lrange(scripts.keys().waiting(), 0, -1)).as("recovered at the head")
			.containsExactly("a", "late");
		assertThat(QueueClient.join(scripts.fetch(1, STALLED)).jobs()).singleElement()
			.satisfies((job) -> assertThat(job.attempt()).isEqualTo(2));
		Thread.sleep(350);
		FetchReply stalledOut = QueueClient.join(scripts.fetch(0, STALLED));
		assertThat(stalledOut.failed()).as("a second stall is one more than max-stalls").containsExactly("a");
		assertThat(redisCommands().hget(scripts.keys().errors(), "a")).isEqualTo(STALLED);
	}

	@Test
	void fetchOfAPausedQueueReservesNothing() {
		QueueScripts scripts = scripts(settings().build());
		push(scripts, "a");
		assertThat(QueueClient.join(scripts.control(Switch.PAUSED, true))).isTrue();
		assertThat(QueueClient.join(scripts.fetch(1, STALLED)))
			.isEqualTo(new FetchReply(List.of(), List.of(), List.of(), FetchReply.PAUSED, FetchReply.NOTHING_SCHEDULED));
		assertThat(QueueClient.join(scripts.control(Switch.PAUSED, false))).isTrue();
		assertThat(QueueClient.join(scripts.control(Switch.PAUSED, false))).as("unchanged").isFalse();
		assertThat(QueueClient.join(scripts.fetch(1, STALLED)).jobs()).hasSize(1);
	}

	@Test
	void settleAppliesEachActionOnlyForTheOwningToken() {
		QueueScripts scripts = scripts(settings().build());
		QueueKeys keys = scripts.keys();
		push(scripts, "ack", "drop", "retry", "later", "requeue", "release", "fail");
		List<FetchedJob> jobs = QueueClient.join(scripts.fetch(7, STALLED)).jobs();
		List<SettleReply> owned = QueueClient.join(scripts.settleAll(List.of(
				SettleRecord.ack("ack", token(jobs, "ack"), null), SettleRecord.drop("drop", "stale", null),
				SettleRecord.drop("drop", token(jobs, "drop"), null),
				SettleRecord.retry("retry", token(jobs, "retry"), 0, "{\"reason\":\"r\"}"),
				SettleRecord.retry("later", token(jobs, "later"), 60_000, "{\"reason\":\"l\"}"),
				SettleRecord.requeue("requeue", token(jobs, "requeue"), 0),
				SettleRecord.release("release", token(jobs, "release")),
				SettleRecord.fail("fail", token(jobs, "fail"), "{\"reason\":\"f\"}", null))));
		assertThat(owned).containsExactly(APPLIED, NOT_OWNED, APPLIED, APPLIED, APPLIED, APPLIED, APPLIED, APPLIED);
		assertThat(redisCommands().zcard(keys.reserved())).isZero();
		assertThat(redisCommands().lrange(keys.waiting(), 0, -1)).containsExactly("release", "retry", "requeue");
		assertThat(redisCommands().zrange(keys.delayed(), 0, -1)).containsExactly("later");
		assertThat(redisCommands().zrange(keys.failed(), 0, -1)).containsExactly("fail");
		assertThat(redisCommands().hkeys(keys.jobs())).doesNotContain("ack", "drop");
		assertThat(redisCommands().hget(keys.attempts(), "retry")).as("a retry counts the attempt")
			.isEqualTo(token(jobs, "retry"))
			.startsWith("1:");
		assertThat(redisCommands().hget(keys.attempts(), "requeue")).isEqualTo("0");
		assertThat(redisCommands().hget(keys.attempts(), "release")).isEqualTo("0");
		assertThat(redisCommands().hget(keys.errors(), "fail")).isEqualTo("{\"reason\":\"f\"}");
		assertThat(QueueClient.join(scripts.settle(SettleRecord.ack("ack", token(jobs, "ack"), null))))
			.as("settled already: the job is gone").isEqualTo(GONE);
	}

	@Test
	void extendRenewsOwnedLeasesAndNamesTheLostOnes() {
		QueueScripts scripts = scripts(settings().leaseDuration(Duration.ofSeconds(60)).build());
		push(scripts, "a");
		FetchedJob job = QueueClient.join(scripts.fetch(1, STALLED)).jobs().get(0);
		double before = redisCommands().zscore(scripts.keys().reserved(), "a");
		List<Lease> lost = QueueClient
			.join(scripts.extend(List.of(new Lease("a", job.token()), new Lease("a", "stale"), new Lease("x", "1"))));
		assertThat(lost).containsExactly(new Lease("a", "stale"), new Lease("x", "1"));
		assertThat(redisCommands().zscore(scripts.keys().reserved(), "a")).isGreaterThanOrEqualTo(before);
	}

	@Test
	void operationsScriptsCountListReloadDeleteAndFlush() {
		QueueScripts scripts = scripts(settings().build());
		push(scripts, "a", "b", "c", "d");
		List<FetchedJob> jobs = QueueClient.join(scripts.fetch(2, STALLED)).jobs();
		QueueClient.join(scripts.settleAll(List.of(SettleRecord.fail("a", token(jobs, "a"), "{\"reason\":\"x\"}", null),
				SettleRecord.fail("b", token(jobs, "b"), "{\"reason\":\"y\"}", null))));
		assertThat(QueueClient.join(scripts.counts())).isEqualTo(new QueueCounts(this.queue, 2, 0, 0, 2, 0));
		assertThat(QueueClient.join(scripts.oldestWaiting())).isEqualTo("{}");
		List<ParkedEntry> parked = QueueClient.join(scripts.parked(JobState.FAILED, 0, 10));
		assertThat(parked).extracting(ParkedEntry::id).containsExactlyInAnyOrder("a", "b");
		assertThat(parked).allSatisfy((entry) -> {
			assertThat(entry.attempts()).isEqualTo(1);
			assertThat(entry.envelope()).isEqualTo("{}");
			assertThat(entry.parkedAtMillis()).isPositive();
		});
		assertThat(QueueClient.join(scripts.reload(JobState.FAILED, "a", 1, 0)))
			.isEqualTo(new ReloadChunk(new ReloadResult(1, List.of()), 1));
		assertThat(redisCommands().lrange(scripts.keys().waiting(), 0, -1)).containsExactly("c", "d", "a");
		assertThat(redisCommands().hexists(scripts.keys().attempts(), "a")).as("fresh attempts").isFalse();
		assertThat(QueueClient.join(scripts.delete("c"))).isTrue();
		assertThat(QueueClient.join(scripts.delete("c"))).isFalse();
		assertThat(QueueClient.join(scripts.flush(JobState.WAITING, 1))).isEqualTo(1L);
		assertThat(QueueClient.join(scripts.flush(JobState.WAITING, 10))).isEqualTo(1L);
		assertThat(QueueClient.join(scripts.flush(JobState.FAILED, 10))).isEqualTo(1L);
		assertThat(QueueClient.join(scripts.counts())).isEqualTo(new QueueCounts(this.queue, 0, 0, 0, 0, 0));
		assertThat(redisCommands().hlen(scripts.keys().jobs())).isZero();
		assertThat(QueueClient.join(scripts.oldestWaiting())).isNull();
	}

	@Test
	void settleRateLimitedPutsTheJobBackAtTheHeadUncountedAndHoldsEveryStartBack() {
		QueueScripts scripts = scripts(settings().build());
		QueueKeys keys = scripts.keys();
		push(scripts, "a", "b");
		List<FetchedJob> jobs = QueueClient.join(scripts.fetch(1, STALLED)).jobs();
		assertThat(QueueClient.join(scripts.settleAll(List.of(SettleRecord.rateLimited("a", token(jobs, "a"), 500)))))
			.containsExactly(APPLIED);
		assertThat(redisCommands().lrange(keys.waiting(), 0, -1)).containsExactly("a", "b");
		assertThat(redisCommands().hget(keys.attempts(), "a")).as("the attempt is given back").isEqualTo("0");
		assertThat(redisCommands().hexists(keys.control(), "backoff-until")).isTrue();
		FetchReply held = QueueClient.join(scripts.fetch(5, STALLED));
		assertThat(held.jobs()).isEmpty();
		assertThat(held.limitWakeInMillis()).isBetween(1L, 500L);
	}

	@Test
	void limitsStoresAndRemovesRunTimeLimitsSignalsAndReportsTheirUse() {
		QueueScripts scripts = scripts(settings().build());
		QueueKeys keys = scripts.keys();
		push(scripts, "a");
		QueueClient.join(scripts.fetch(1, STALLED));
		redisCommands().del(keys.marker());
		assertThat(QueueClient.join(scripts.limits(java.util.Map.of("global-concurrency", "2"))))
			.isEqualTo(new QueueScripts.StoredLimits(1, "2", null, null, 0, null, 0, 0));
		assertThat(redisCommands().zcard(keys.marker())).as("a changed limit wakes a consumer").isEqualTo(1);
		assertThat(QueueClient.join(scripts.limits(java.util.Map.of("global-concurrency", ""))))
			.isEqualTo(new QueueScripts.StoredLimits(1, null, null, null, 0, null, 0, 0));
	}

	private static void push(QueueScripts scripts, String... ids) {
		QueueClient.join(scripts.push(List.of(ids).stream().map((id) -> new PushRecord(id, "{}", 0, 0, null)).toList()));
	}

	private static String token(List<FetchedJob> jobs, String id) {
		return jobs.stream().filter((job) -> job.id().equals(id)).findFirst().orElseThrow().token();
	}

}
