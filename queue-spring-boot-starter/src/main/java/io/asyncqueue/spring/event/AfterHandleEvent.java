package io.asyncqueue.spring.event;

import java.time.Duration;

import io.asyncqueue.core.JobInfo;
import io.asyncqueue.core.JobOutcome;
import org.jspecify.annotations.Nullable;

/**
 * A job's execution ended, whatever the outcome (Hyperf's {@code AfterHandle}).
 *
 * @since 0.1.0
 */
public class AfterHandleEvent extends JobEvent {

	private final JobOutcome outcome;

	private final Duration duration;

	private final @Nullable Throwable failure;

	private final @Nullable String reason;

	/**
	 * A job's execution ended.
	 * @param source the consumer container
	 * @param job the execution
	 * @param outcome how it ended
	 * @param duration how long the handler ran
	 * @param failure the exception, or {@code null}
	 */
	public AfterHandleEvent(Object source, JobInfo job, JobOutcome outcome, Duration duration,
			@Nullable Throwable failure) {
		this(source, job, outcome, duration, failure, null);
	}

	/**
	 * A job's execution ended, with the words that go with it.
	 * @param source the consumer container
	 * @param job the execution
	 * @param outcome how it ended
	 * @param duration how long the handler ran
	 * @param failure the exception, or {@code null}
	 * @param reason the handler's drop reason, why an outcome is unconfirmed, or {@code null}
	 * @since 0.2.0
	 */
	public AfterHandleEvent(Object source, JobInfo job, JobOutcome outcome, Duration duration,
			@Nullable Throwable failure, @Nullable String reason) {
		super(source, job);
		this.outcome = outcome;
		this.duration = duration;
		this.failure = failure;
		this.reason = reason;
	}

	/** How the execution ended. */
	public JobOutcome getOutcome() {
		return this.outcome;
	}

	/** How long the handler ran. */
	public Duration getDuration() {
		return this.duration;
	}

	/** The exception the execution failed with, or {@code null}. */
	public @Nullable Throwable getFailure() {
		return this.failure;
	}

	/**
	 * For {@link JobOutcome#DROPPED}, the reason the handler gave to {@code JobContext.drop}; for
	 * {@link JobOutcome#UNCONFIRMED}, why the outcome could not be confirmed in Redis; otherwise {@code null}.
	 * @since 0.2.0
	 */
	public @Nullable String getReason() {
		return this.reason;
	}

	/** Whether the handler returned normally and the job is done. */
	public boolean isSucceeded() {
		return this.outcome == JobOutcome.SUCCEEDED;
	}

	@Override
	public String toString() {
		return "AfterHandleEvent[" + describe() + ", outcome=" + this.outcome + ", duration=" + this.duration
				+ ((this.failure != null) ? ", failure=" + this.failure : "")
				+ ((this.reason != null) ? ", reason=" + this.reason : "") + "]";
	}

}
