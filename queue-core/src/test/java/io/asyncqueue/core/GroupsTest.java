package io.asyncqueue.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.asyncqueue.core.scripts.FetchedJob;
import io.asyncqueue.core.scripts.QueueScripts;
import io.asyncqueue.core.scripts.SettleRecord;
import io.asyncqueue.core.scripts.SettleReply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Groups against a real redis-server: the jobs of one group key run one at a time (or group-concurrency at a
 * time) in push order while other groups proceed, ready groups are served in turn, and retries, stalls,
 * delays, deletes, flushes and reloads keep a group's line and its slots right. Job ids are the payloads'
 * names, so that assertions read as the order of the jobs.
 */
class GroupsTest extends RedisTestSupport {

	private static final String STALLED = "{\"reason\":\"stalled\"}";

	private QueueScripts scripts;

	private QueueClient client;

	@Test
	void aGroupRunsOneJobAtATimeInPushOrderWhileOtherGroupsProceed() {
		use(settings().build());
		push("a1", "a");
		push("a2", "a");
		push("b1", "b");
		push("a3", "a");
		push("b2", "b");
		List<FetchedJob> first = fetch(10);
		assertThat(ids(first)).as("one job of each group").containsExactly("a1", "b1");
		assertThat(ids(fetch(10))).as("both groups are running their job").isEmpty();
		ack(first.get(0));
		assertThat(ids(fetch(10))).containsExactly("a2");
		ack(first.get(1));
		List<FetchedJob> next = fetch(10);
		assertThat(ids(next)).containsExactly("b2");
		ack(next.get(0));
		assertThat(ids(fetch(10))).as("a2 still runs").isEmpty();
	}

	@Test
	void groupConcurrencyLetsThatManyJobsOfAGroupRunAtOnce() {
		use(settings().groupConcurrency(2).build());
		for (int i = 1; i <= 4; i++) {
			push("a" + i, "a");
		}
		push("b1", "b");
		List<FetchedJob> running = fetch(10);
		assertThat(ids(running)).containsExactlyInAnyOrder("a1", "a2", "b1");
		assertThat(ids(running).indexOf("a1")).isLessThan(ids(running).indexOf("a2"));
		ack(running.get(ids(running).indexOf("a2")));
		assertThat(ids(fetch(10))).containsExactly("a3");
		assertThat(ids(fetch(10))).isEmpty();
	}

	@Test
	void aGroupConcurrencySetAtRunTimeHoldsFromTheNextFetchAndReleasesTheGroupsItHeldBack() {
		QueueSettings settings = use(settings().build());
		QueueOperations operations = operations(settings);
		for (int i = 1; i <= 5; i++) {
			push("a" + i, "a");
		}
		assertThat(ids(fetch(10))).as("the configured 1").containsExactly("a1");
		assertThat(ids(fetch(10))).as("group a is held back").isEmpty();
		assertThat(operations.limits(this.queue).groups()).as("one group running, held back at its limit")
			.isEqualTo(new FlowLimits.Groups(1, false, 1, 1));
		FlowLimits raised = operations.setGroupConcurrency(this.queue, 3);
		assertThat(raised.groupConcurrency()).isEqualTo(3);
		assertThat(raised.groupConcurrencySetAtRunTime()).isTrue();
		assertThat(ids(fetch(10))).as("raised: the held-back group runs two more at once, in order")
			.containsExactly("a2", "a3");
		assertThat(ids(fetch(10))).isEmpty();
		assertThat(operations.limits(this.queue).groups()).isEqualTo(new FlowLimits.Groups(3, true, 1, 1));
		operations.setGroupConcurrency(this.queue, 1);
		assertThat(operations.limits(this.queue).groupConcurrency()).isEqualTo(1);
		FlowLimits cleared = operations.clearLimits(this.queue);
		assertThat(cleared.groupConcurrency()).as("the configuration again").isEqualTo(1);
		assertThat(cleared.groupConcurrencySetAtRunTime()).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> operations.setGroupConcurrency(this.queue, 0))
			.withMessage("Group concurrency must be 1 or more, was 0");
	}

	@Test
	void aGroupConcurrencySetAtRunTimeThatIsLowerHoldsTheGroupBackUntilItsRunningJobsFinish() {
		QueueSettings settings = use(settings().groupConcurrency(3).build());
		for (int i = 1; i <= 5; i++) {
			push("a" + i, "a");
		}
		List<FetchedJob> running = fetch(2);
		assertThat(ids(running)).containsExactly("a1", "a2");
		operations(settings).setGroupConcurrency(this.queue, 1);
		assertThat(ids(fetch(10))).as("2 running, the limit now 1").isEmpty();
		ack(running.get(0));
		assertThat(ids(fetch(10))).as("still 1 running").isEmpty();
		ack(running.get(1));
		assertThat(ids(fetch(10))).containsExactly("a3");
	}

	@Test
	void readyGroupsAreServedInTurnSoAHotGroupCannotStarveTheOthers() {
		use(settings().groupConcurrency(1000).build());
		for (int i = 1; i <= 50; i++) {
			push("hot" + i, "hot");
		}
		for (int i = 1; i <= 5; i++) {
			push("cold" + i, "cold" + i);
		}
		List<String> order = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			order.addAll(ids(fetch(1)));
		}
		assertThat(order).as("after each of its jobs, the hot group goes to the back of the line")
			.containsExactly("hot1", "cold1", "cold2", "cold3", "cold4", "cold5", "hot2", "hot3");
	}

	@Test
	void workersInSeveralInstancesNeverRunTwoJobsOfAGroupAtOnceAndKeepItsOrder() {
		QueueSettings settings = settings().concurrency(4).consumers(2).build();
		Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
		Map<String, List<Integer>> ran = new ConcurrentHashMap<>();
		AtomicInteger overlaps = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		for (int i = 0; i < 3; i++) {
			start(QueueWorker.builder(settings, redis).job("n", String.class, (job, context) -> {
				String group = job.substring(0, job.indexOf('-'));
				if (running.computeIfAbsent(group, (g) -> new AtomicInteger()).incrementAndGet() > 1) {
					overlaps.incrementAndGet();
				}
				ran.computeIfAbsent(group, (g) -> new CopyOnWriteArrayList<>())
					.add(Integer.parseInt(job.substring(job.indexOf('-') + 1)));
				Thread.sleep(2);
				running.get(group).decrementAndGet();
				done.incrementAndGet();
			}));
		}
		List<PushRequest> jobs = new ArrayList<>();
		for (int n = 0; n < 10; n++) {
			for (int g = 0; g < 10; g++) {
				jobs.add(new PushRequest("n", "g" + g + "-" + n, PushOptions.group("g" + g)));
			}
		}
		this.client = client(settings);
		this.client.pushAll(this.queue, jobs);
		await().atMost(Duration.ofSeconds(60)).until(() -> done.get() == 100);
		assertThat(overlaps).as("two jobs of one group at once").hasValue(0);
		assertThat(ran).hasSize(10)
			.allSatisfy((group, order) -> assertThat(order).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
	}

	@Test
	void aRetryKeepsItsGroupsPlaceUntilItRunsAgain() throws InterruptedException {
		use(settings().build());
		push("a1", "a");
		push("a2", "a");
		push("b1", "b");
		FetchedJob a1 = fetch(1).get(0);
		assertThat(a1.id()).isEqualTo("a1");
		settle(SettleRecord.retry("a1", a1.token(), 0, "{}"));
		List<FetchedJob> again = fetch(10);
		assertThat(ids(again)).as("a retry without a delay runs before the rest of its group")
			.containsExactlyInAnyOrder("a1", "b1");
		FetchedJob second = again.get(ids(again).indexOf("a1"));
		assertThat(second.attempt()).isEqualTo(2);
		settle(SettleRecord.retry("a1", second.token(), 300, "{}"));
		assertThat(ids(fetch(10))).as("a2 waits for the delayed retry").isEmpty();
		Thread.sleep(350);
		FetchedJob third = fetch(10).get(0);
		assertThat(third.id()).isEqualTo("a1");
		assertThat(ids(fetch(10))).isEmpty();
		settle(SettleRecord.fail("a1", third.token(), "{}", null));
		assertThat(ids(fetch(10))).as("a job that failed for good no longer holds its group").containsExactly("a2");
	}

	@Test
	void releasedAndRequeuedJobsGoBackToTheHeadOfTheirGroup() {
		use(settings().build());
		push("a1", "a");
		push("a2", "a");
		FetchedJob a1 = fetch(1).get(0);
		settle(SettleRecord.release("a1", a1.token()));
		FetchedJob back = fetch(10).get(0);
		assertThat(back.id()).isEqualTo("a1");
		assertThat(back.attempt()).as("a release gives the attempt back").isEqualTo(1);
		settle(SettleRecord.requeue("a1", back.token(), 0));
		assertThat(ids(fetch(10))).containsExactly("a1");
	}

	@Test
	void aStalledJobGoesBackToTheHeadOfItsGroupAndItsSlotComesBackWithTheLease() throws InterruptedException {
		use(settings().leaseDuration(Duration.ofMillis(300)).build());
		push("a1", "a");
		push("a2", "a");
		assertThat(ids(fetch(10))).containsExactly("a1");
		assertThat(ids(fetch(10))).isEmpty();
		Thread.sleep(350);
		List<FetchedJob> recovered = fetch(10);
		assertThat(ids(recovered)).as("the killed instance's job runs again, still first").containsExactly("a1");
		ack(recovered.get(0));
		assertThat(ids(fetch(10))).containsExactly("a2");
	}

	@Test
	void aDelayedJobJoinsItsGroupsLineWhenItFallsDue() throws InterruptedException {
		use(settings().build());
		this.client.push(this.queue, "j", "later", PushOptions.delay(Duration.ofMillis(200)).withGroup("a").jobId("later"));
		push("a1", "a");
		List<FetchedJob> first = fetch(10);
		assertThat(ids(first)).containsExactly("a1");
		Thread.sleep(250);
		assertThat(ids(fetch(10))).as("due, and behind the running a1").isEmpty();
		ack(first.get(0));
		assertThat(ids(fetch(10))).containsExactly("later");
	}

	@Test
	void plainAndGroupedJobsShareAQueueAndFlowLimitsHoldForBoth() {
		use(settings().build());
		push("a1", "a");
		push("a2", "a");
		this.client.push(this.queue, "j", "p1", PushOptions.now().jobId("p1"));
		this.client.push(this.queue, "j", "p2", PushOptions.now().jobId("p2"));
		List<String> two = ids(fetch(2));
		assertThat(two).as("one of each kind").containsExactlyInAnyOrder("a1", "p1");
		assertThat(ids(fetch(10))).containsExactly("p2");
		QueueClient.join(this.scripts.limits(Map.of("global-concurrency", "4")));
		push("b1", "b");
		push("c1", "c");
		assertThat(ids(fetch(10))).as("one slot of the global concurrency left").hasSize(1);
	}

	@Test
	void countsDeleteFlushAndReloadSeeGroupedJobs() {
		QueueSettings settings = use(settings().build());
		QueueOperations operations = operations(settings);
		push("a1", "a");
		push("a2", "a");
		push("a3", "a");
		push("b1", "b");
		push("b2", "b");
		assertThat(operations.counts(this.queue).waiting()).isEqualTo(5);
		assertThat(operations.oldestWaitingPushedAt(this.queue)).isNotNull();
		List<FetchedJob> running = fetch(10);
		assertThat(ids(running)).containsExactly("a1", "b1");
		assertThat(operations.counts(this.queue).waiting()).isEqualTo(3);

		assertThat(operations.delete(this.queue, "a2")).as("a waiting grouped job").isTrue();
		assertThat(operations.delete(this.queue, "a1")).as("a running one, whose slot comes back").isTrue();
		assertThat(operations.counts(this.queue).waiting()).isEqualTo(2);
		List<FetchedJob> next = fetch(10);
		assertThat(ids(next)).containsExactly("a3");

		settle(SettleRecord.fail("a3", next.get(0).token(), "{}", null));
		push("a4", "a");
		assertThat(operations.reloadAll(this.queue, JobState.FAILED).moved()).isEqualTo(1);
		assertThat(operations.counts(this.queue).waiting()).as("b2, a4 and the reloaded a3").isEqualTo(3);
		List<FetchedJob> reloaded = fetch(10);
		assertThat(ids(reloaded)).as("a reloaded job joins the tail of its group").containsExactly("a4");

		assertThat(operations.flush(this.queue, JobState.RESERVED)).isEqualTo(2);
		assertThat(operations.flush(this.queue, JobState.WAITING)).isEqualTo(2);
		assertThat(operations.counts(this.queue).waiting()).isZero();
		assertThat(operations.oldestWaitingPushedAt(this.queue)).isNull();
		assertThat(redisCommands().exists(keys(settings).groups(), keys(settings).group("a"), keys(settings).group("b"),
				keys(settings).groupRunning())).as("no group state is left").isZero();
		push("a5", "a");
		assertThat(ids(fetch(10))).as("the flushed running jobs gave their slots back").containsExactly("a5");
	}

	@Test
	void aDeletedDelayedRetryGivesItsGroupsSlotBack() {
		QueueSettings settings = use(settings().build());
		push("a1", "a");
		push("a2", "a");
		FetchedJob a1 = fetch(1).get(0);
		settle(SettleRecord.retry("a1", a1.token(), 60_000, "{}"));
		assertThat(ids(fetch(10))).isEmpty();
		assertThat(operations(settings).delete(this.queue, "a1")).isTrue();
		assertThat(ids(fetch(10))).containsExactly("a2");
	}

	@Test
	void aGroupIsCheckedAndCannotBeCombinedWithAPriority() {
		assertThatIllegalArgumentException().isThrownBy(() -> PushOptions.group(""))
			.withMessageStartingWith("group must have 1 to 200 characters");
		assertThatIllegalArgumentException().isThrownBy(() -> PushOptions.group("a").withPriority(3))
			.withMessageStartingWith("A job in a group runs in its group's order and cannot have a priority (3)");
		assertThatIllegalArgumentException().isThrownBy(() -> PushOptions.priority(3).withGroup("a"))
			.withMessageContaining("not both");
		assertThat(PushOptions.group("a").withPriority(0).group()).isEqualTo("a");
	}

	@Test
	void aGroupConcurrencyBelowOneFailsNamingTheProperty() {
		assertThatIllegalArgumentException().isThrownBy(() -> settings().groupConcurrency(0).build())
			.withMessageContaining("group-concurrency")
			.withMessageContaining("must be at least 1");
	}

	/** Pushes and fetches of the test go to this queue. */
	private QueueSettings use(QueueSettings settings) {
		this.scripts = scripts(settings);
		this.client = client(settings);
		return settings;
	}

	private void push(String id, String group) {
		this.client.push(this.queue, "j", id, PushOptions.group(group).jobId(id));
	}

	private List<FetchedJob> fetch(int count) {
		return QueueClient.join(this.scripts.fetch(count, STALLED)).jobs();
	}

	private void ack(FetchedJob job) {
		settle(SettleRecord.ack(job.id(), job.token(), null));
	}

	private void settle(SettleRecord record) {
		assertThat(QueueClient.join(this.scripts.settle(record))).isEqualTo(SettleReply.APPLIED);
	}

	private static List<String> ids(List<FetchedJob> jobs) {
		return jobs.stream().map(FetchedJob::id).toList();
	}

}
