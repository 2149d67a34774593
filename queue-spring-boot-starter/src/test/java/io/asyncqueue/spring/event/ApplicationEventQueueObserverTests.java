package io.asyncqueue.spring.event;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.asyncqueue.core.JobInfo;
import io.asyncqueue.core.JobOutcome;
import io.asyncqueue.core.JobState;
import io.asyncqueue.core.QueueCounts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ApplicationEventQueueObserver}.
 */
class ApplicationEventQueueObserverTests {

	private final List<Object> published = new ArrayList<>();

	private final Object source = new Object();

	private final ApplicationEventQueueObserver listener = new ApplicationEventQueueObserver(this.published::add,
			this.source);

	private final JobInfo job = new JobInfo("orders", "id-1", "CreateOrderJob", 2, 3, Instant.EPOCH,
			Map.of("trace", "t1"));

	@Test
	void publishesOneImmutableEventPerCallback() {
		IllegalStateException failure = new IllegalStateException("boom");
		Instant next = Instant.now().plusSeconds(5);
		List<String> recovered = new ArrayList<>(List.of("a"));
		this.listener.beforeHandle(this.job);
		this.listener.afterHandle(this.job, JobOutcome.RETRIED, Duration.ofMillis(12), failure, null);
		this.listener.retrying(this.job, failure, next);
		this.listener.failed(this.job, failure);
		this.listener.stalled("orders", recovered, List.of("b"));
		this.listener.queueLength(new QueueCounts("orders", 1, 2, 3, 4, 5));
		recovered.add("c");
		assertThat(this.published).hasSize(6).allSatisfy((event) -> {
			assertThat(event).isInstanceOf(QueueEvent.class);
			assertThat(((QueueEvent) event).getQueue()).isEqualTo("orders");
			assertThat(((QueueEvent) event).getSource()).isSameAs(this.source);
		});
		BeforeHandleEvent before = (BeforeHandleEvent) this.published.get(0);
		assertThat(before.getJobId()).isEqualTo("id-1");
		assertThat(before.getJobName()).isEqualTo("CreateOrderJob");
		assertThat(before.getAttempt()).isEqualTo(2);
		assertThat(before.getMaxAttempts()).isEqualTo(3);
		assertThat(before.getHeaders()).containsEntry("trace", "t1");
		assertThat(before).hasToString("BeforeHandleEvent[queue=orders, jobId=id-1, jobName=CreateOrderJob, attempt=2/3]");
		AfterHandleEvent after = (AfterHandleEvent) this.published.get(1);
		assertThat(after.getOutcome()).isEqualTo(JobOutcome.RETRIED);
		assertThat(after.getDuration()).isEqualTo(Duration.ofMillis(12));
		assertThat(after.getFailure()).isSameAs(failure);
		assertThat(after.isSucceeded()).isFalse();
		assertThat(after.getReason()).isNull();
		RetryEvent retry = (RetryEvent) this.published.get(2);
		assertThat(retry.getNextAttemptAt()).isEqualTo(next);
		assertThat(retry.getNextAttempt()).isEqualTo(3);
		assertThat(((FailedEvent) this.published.get(3)).getFailure()).isSameAs(failure);
		StalledEvent stalled = (StalledEvent) this.published.get(4);
		assertThat(stalled.getRecoveredJobIds()).containsExactly("a");
		assertThat(stalled.getFailedJobIds()).containsExactly("b");
		assertThat(stalled).hasToString("StalledEvent[queue=orders, recovered=[a], failed=[b]]");
		QueueLengthEvent length = (QueueLengthEvent) this.published.get(5);
		assertThat(length.getWaiting()).isEqualTo(1);
		assertThat(length.getDelayed()).isEqualTo(2);
		assertThat(length.getReserved()).isEqualTo(3);
		assertThat(length.getFailed()).isEqualTo(4);
		assertThat(length.getTimeout()).isEqualTo(5);
		assertThat(length.get(JobState.FAILED)).isEqualTo(4);
	}

	@Test
	void aDroppedJobsEventCarriesTheHandlersReason() {
		this.listener.afterHandle(this.job, JobOutcome.DROPPED, Duration.ofMillis(3), null, "account closed");
		AfterHandleEvent after = (AfterHandleEvent) this.published.get(0);
		assertThat(after.getOutcome()).isEqualTo(JobOutcome.DROPPED);
		assertThat(after.getReason()).isEqualTo("account closed");
		assertThat(after).hasToString("AfterHandleEvent[queue=orders, jobId=id-1, jobName=CreateOrderJob, attempt=2/3, "
				+ "outcome=DROPPED, duration=PT0.003S, reason=account closed]");
	}

}
