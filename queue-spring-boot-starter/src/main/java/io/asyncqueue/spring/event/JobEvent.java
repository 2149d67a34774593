package io.asyncqueue.spring.event;

import java.time.Instant;
import java.util.Map;

import io.asyncqueue.core.JobInfo;
import org.jspecify.annotations.Nullable;

/**
 * An event about one execution of a job.
 *
 * @since 0.1.0
 */
public abstract class JobEvent extends QueueEvent {

	private final JobInfo job;

	/**
	 * An event about a job's execution.
	 * @param source the consumer container
	 * @param job the execution
	 */
	protected JobEvent(Object source, JobInfo job) {
		super(source, job.queue());
		this.job = job;
	}

	/** The execution: queue, id, name, attempt, max attempts, push time and headers. */
	public JobInfo getJob() {
		return this.job;
	}

	/** The job's id, the same on every attempt. */
	public String getJobId() {
		return this.job.id();
	}

	/** The job's logical name, or {@code null} when its envelope could not be read. */
	public @Nullable String getJobName() {
		return this.job.jobName();
	}

	/** This execution's number, starting at 1. */
	public int getAttempt() {
		return this.job.attempt();
	}

	/** The most executions the job gets. */
	public int getMaxAttempts() {
		return this.job.maxAttempts();
	}

	/** When the job was pushed. */
	public Instant getPushedAt() {
		return this.job.pushedAt();
	}

	/** The headers pushed with the job. */
	public Map<String, String> getHeaders() {
		return this.job.headers();
	}

	String describe() {
		return "queue=" + getQueue() + ", jobId=" + getJobId() + ", jobName=" + getJobName() + ", attempt="
				+ getAttempt() + "/" + getMaxAttempts();
	}

}
