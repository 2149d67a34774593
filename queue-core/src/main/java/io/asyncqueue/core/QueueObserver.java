package io.asyncqueue.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Observes the life of a queue's jobs (Hyperf's BeforeHandle, AfterHandle, RetryHandle, FailedHandle and
 * QueueLength events, plus stalls): lifecycle callbacks, not a consumer (the consumer is the job's
 * {@link JobHandler}; in Spring, a "listener" is the consumer, hence the name). Every method has an empty
 * default. An observer that throws is logged and never changes a job's outcome. Observers run on the
 * worker's threads: keep them quick.
 *
 * @since 0.1.0 (named {@code QueueListener} before 0.2.0)
 */
public interface QueueObserver {

	/**
	 * A job is about to run.
	 * @param job the execution
	 */
	default void beforeHandle(JobInfo job) {
	}

	/**
	 * A job's execution ended, whatever the outcome.
	 * @param job the execution
	 * @param outcome how it ended
	 * @param duration how long the handler ran
	 * @param failure the exception, or {@code null}
	 */
	default void afterHandle(JobInfo job, JobOutcome outcome, Duration duration, Throwable failure) {
	}

	/**
	 * A job's execution ended, whatever the outcome, with the words that go with it. The worker calls this
	 * method; by default it calls {@link #afterHandle(JobInfo, JobOutcome, Duration, Throwable)}, so a listener
	 * overrides whichever it needs.
	 * @param job the execution
	 * @param outcome how it ended
	 * @param duration how long the handler ran
	 * @param failure the exception, or {@code null}
	 * @param reason for {@link JobOutcome#DROPPED}, the reason the handler gave to {@link JobContext#drop}; for
	 * {@link JobOutcome#UNCONFIRMED}, why the outcome could not be confirmed; otherwise {@code null}
	 * @since 0.2.0
	 */
	default void afterHandle(JobInfo job, JobOutcome outcome, Duration duration, Throwable failure, String reason) {
		afterHandle(job, outcome, duration, failure);
	}

	/**
	 * A failed job will run again.
	 * @param job the execution that failed
	 * @param failure why
	 * @param nextAttemptAt when the next attempt is due (by this process's clock)
	 */
	default void retrying(JobInfo job, Throwable failure, Instant nextAttemptAt) {
	}

	/**
	 * A job was parked in {@code failed} for good.
	 * @param job the last execution
	 * @param failure why
	 */
	default void failed(JobInfo job, Throwable failure) {
	}

	/**
	 * A job no handler could be called for (a malformed envelope, a job name this worker does not know, a
	 * payload that no longer fits the handler's type) was parked in {@code failed}. {@link #failed} follows.
	 * A handler that throws {@link UnreadableJobException} itself is not reported here: its execution ends
	 * with {@link #afterHandle} like any other.
	 * @param job what could be read of the job (its name is whatever Redis held, or {@code null})
	 * @param reason why it could not be read
	 */
	default void unreadable(JobInfo job, UnreadableJobException reason) {
	}

	/**
	 * Jobs whose lease expired were recovered by this process.
	 * @param queue the queue
	 * @param recovered ids put back to waiting
	 * @param failed ids sent to {@code failed} (stalled too often) or parked in {@code timeout}
	 */
	default void stalled(String queue, List<String> recovered, List<String> failed) {
	}

	/**
	 * A sample of a queue's size by state.
	 * @param counts the counts
	 */
	default void queueLength(QueueCounts counts) {
	}

}
