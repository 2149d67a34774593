package io.asyncqueue.core;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.asyncqueue.core.scripts.FetchedJob;
import io.asyncqueue.core.scripts.PushRecord;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.core.scripts.QueueScripts;
import io.asyncqueue.core.scripts.SettleRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A poison storm must not grow Redis without bound: with a retention, parking a job in {@code failed} or
 * {@code timeout} deletes, with their data, the jobs parked too long ago and the oldest beyond the size.
 */
class RetentionTest extends RedisTestSupport {

	@Test
	void failedKeepsTheNewestJobsUpToItsMaxSizeAndForgetsTheRest() {
		QueueScripts scripts = scripts(settings().failedMaxSize(2).build());
		List<String> ids = List.of("a", "b", "c");
		failInOrder(scripts, ids);
		QueueKeys keys = scripts.keys();
		assertThat(redisCommands().zrange(keys.failed(), 0, -1)).containsExactly("b", "c");
		assertThat(redisCommands().hkeys(keys.jobs())).containsExactlyInAnyOrder("b", "c");
		assertThat(redisCommands().hkeys(keys.errors())).containsExactlyInAnyOrder("b", "c");
		assertThat(redisCommands().hkeys(keys.attempts())).containsExactlyInAnyOrder("b", "c");
	}

	@Test
	void failedForgetsJobsParkedLongerThanTheRetention() throws InterruptedException {
		QueueScripts scripts = scripts(settings().failedRetention(Duration.ofSeconds(1)).build());
		failInOrder(scripts, List.of("old"));
		Thread.sleep(1100);
		failInOrder(scripts, List.of("new"));
		assertThat(redisCommands().zrange(scripts.keys().failed(), 0, -1)).containsExactly("new");
		assertThat(redisCommands().hkeys(scripts.keys().jobs())).containsExactly("new");
	}

	@Test
	void timeoutIsTrimmedWhenStalledJobsAreParked() throws InterruptedException {
		QueueScripts scripts = scripts(settings().leaseDuration(Duration.ofMillis(300))
			.stalledJobAction(StalledJobAction.PARK)
			.failedMaxSize(1)
			.build());
		for (String id : List.of("x", "y")) {
			QueueClient.join(scripts.push(List.of(new PushRecord(id, "{}", 0, 0, null))));
			QueueClient.join(scripts.fetch(1, "{}"));
			Thread.sleep(350);
			assertThat(QueueClient.join(scripts.fetch(0, "{}")).failed()).containsExactly(id);
		}
		assertThat(redisCommands().zrange(scripts.keys().timeout(), 0, -1)).containsExactly("y");
		assertThat(redisCommands().hkeys(scripts.keys().jobs())).containsExactly("y");
	}

	@Test
	void withoutARetentionParkedJobsAreKept() {
		QueueScripts scripts = scripts(settings().build());
		failInOrder(scripts, List.of("a", "b", "c"));
		assertThat(redisCommands().zcard(scripts.keys().failed())).isEqualTo(3);
	}

	@Test
	void retentionSettingsAreValidated() {
		assertThatExceptionOfType(InvalidQueueSettingException.class)
			.isThrownBy(() -> settings().failedRetention(Duration.ofMillis(10)).build())
			.withMessageContaining("failed-retention")
			.withMessageContaining("at least 1s");
		assertThatExceptionOfType(InvalidQueueSettingException.class)
			.isThrownBy(() -> settings().failedMaxSize(-1).build())
			.withMessageContaining("failed-max-size");
	}

	/** Each job fails in a call of its own, a millisecond apart, so their order in failed is known. */
	private static void failInOrder(QueueScripts scripts, List<String> ids) {
		for (String id : ids) {
			QueueClient.join(scripts.push(List.of(new PushRecord(id, "{}", 0, 0, null))));
			FetchedJob job = QueueClient.join(scripts.fetch(1, "{}")).jobs().get(0);
			QueueClient.join(scripts.settle(SettleRecord.fail(job.id(), job.token(), "{\"reason\":\"x\"}", null)));
			sleep(2);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
