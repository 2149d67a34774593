package io.asyncqueue.spring.event;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import io.asyncqueue.core.JobInfo;
import io.asyncqueue.core.JobOutcome;
import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueObserver;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;

/**
 * A {@link QueueObserver} that publishes each callback as a {@link QueueEvent} through Spring's
 * {@link ApplicationEventPublisher}. The consumer containers register one with every worker; add one
 * to a worker you build yourself to get the same events.
 *
 * @since 0.1.0
 */
public class ApplicationEventQueueObserver implements QueueObserver {

	private final ApplicationEventPublisher publisher;

	private final Object source;

	/**
	 * A listener that publishes events.
	 * @param publisher the publisher, usually the application context
	 * @param source the events' source
	 */
	public ApplicationEventQueueObserver(ApplicationEventPublisher publisher, Object source) {
		this.publisher = Objects.requireNonNull(publisher, "publisher");
		this.source = Objects.requireNonNull(source, "source");
	}

	@Override
	public void beforeHandle(JobInfo job) {
		this.publisher.publishEvent(new BeforeHandleEvent(this.source, job));
	}

	@Override
	public void afterHandle(JobInfo job, JobOutcome outcome, Duration duration, @Nullable Throwable failure,
			@Nullable String reason) {
		this.publisher.publishEvent(new AfterHandleEvent(this.source, job, outcome, duration, failure, reason));
	}

	@Override
	public void retrying(JobInfo job, Throwable failure, Instant nextAttemptAt) {
		this.publisher.publishEvent(new RetryEvent(this.source, job, failure, nextAttemptAt));
	}

	@Override
	public void failed(JobInfo job, Throwable failure) {
		this.publisher.publishEvent(new FailedEvent(this.source, job, failure));
	}

	@Override
	public void stalled(String queue, List<String> recovered, List<String> failed) {
		this.publisher.publishEvent(new StalledEvent(this.source, queue, recovered, failed));
	}

	@Override
	public void queueLength(QueueCounts counts) {
		this.publisher.publishEvent(new QueueLengthEvent(this.source, counts));
	}

	@Override
	public String toString() {
		return "ApplicationEventQueueObserver[source=" + this.source + "]";
	}

}
