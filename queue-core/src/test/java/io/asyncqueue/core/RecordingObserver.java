package io.asyncqueue.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event it sees, for assertions. */
class RecordingObserver implements QueueObserver {

	final List<JobInfo> started = new CopyOnWriteArrayList<>();

	final List<Finished> finished = new CopyOnWriteArrayList<>();

	final List<Throwable> retried = new CopyOnWriteArrayList<>();

	final List<Throwable> failed = new CopyOnWriteArrayList<>();

	final List<String> recovered = new CopyOnWriteArrayList<>();

	final List<String> stalledOut = new CopyOnWriteArrayList<>();

	final List<QueueCounts> lengths = new CopyOnWriteArrayList<>();

	record Finished(JobInfo job, JobOutcome outcome, Throwable failure, String reason, String thread) {
	}

	@Override
	public void beforeHandle(JobInfo job) {
		this.started.add(job);
	}

	@Override
	public void afterHandle(JobInfo job, JobOutcome outcome, Duration duration, Throwable failure, String reason) {
		this.finished.add(new Finished(job, outcome, failure, reason, Thread.currentThread().getName()));
	}

	@Override
	public void retrying(JobInfo job, Throwable failure, Instant nextAttemptAt) {
		this.retried.add(failure);
	}

	@Override
	public void failed(JobInfo job, Throwable failure) {
		this.failed.add(failure);
	}

	@Override
	public void stalled(String queue, List<String> recovered, List<String> failed) {
		this.recovered.addAll(recovered);
		this.stalledOut.addAll(failed);
	}

	@Override
	public void queueLength(QueueCounts counts) {
		this.lengths.add(counts);
	}

	List<JobOutcome> outcomes() {
		return this.finished.stream().map(Finished::outcome).toList();
	}

}
