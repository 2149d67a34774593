package io.asyncqueue.core.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.JobInfo;

/** What a running handler sees of its job, and what it asked for besides returning or throwing. */
final class HandlerContext implements JobContext {

	private final JobInfo info;

	private final String uniqueId;

	private volatile Request request;

	HandlerContext(JobInfo info, String uniqueId) {
		this.info = info;
		this.uniqueId = uniqueId;
	}

	/** What the handler asked for, or {@code null}. */
	Request request() {
		return this.request;
	}

	@Override
	public String id() {
		return this.info.id();
	}

	@Override
	public String queue() {
		return this.info.queue();
	}

	@Override
	public String jobName() {
		return this.info.jobName();
	}

	@Override
	public int attempt() {
		return this.info.attempt();
	}

	@Override
	public int maxAttempts() {
		return this.info.maxAttempts();
	}

	@Override
	public Instant pushedAt() {
		return this.info.pushedAt();
	}

	@Override
	public String uniqueId() {
		return this.uniqueId;
	}

	@Override
	public Map<String, String> headers() {
		return this.info.headers();
	}

	@Override
	public void retry() {
		this.request = new Request(Action.RETRY, null, null);
	}

	@Override
	public void retry(Duration delay) {
		this.request = new Request(Action.RETRY, requireNonNegative(delay), null);
	}

	@Override
	public void requeue(Duration delay) {
		this.request = new Request(Action.REQUEUE, requireNonNegative(delay), null);
	}

	@Override
	public void rateLimited(Duration backoff) {
		Objects.requireNonNull(backoff, "backoff");
		if (backoff.toMillis() < 1) {
			throw new IllegalArgumentException("backoff must be at least 1ms, was " + backoff);
		}
		this.request = new Request(Action.RATE_LIMITED, backoff, null);
	}

	@Override
	public void drop(String reason) {
		this.request = new Request(Action.DROP, null, reason);
	}

	private static Duration requireNonNegative(Duration delay) {
		Objects.requireNonNull(delay, "delay");
		if (delay.isNegative()) {
			throw new IllegalArgumentException("delay must not be negative, was " + delay);
		}
		return delay;
	}

	enum Action {

		RETRY, REQUEUE, RATE_LIMITED, DROP

	}

	/** A handler's request: a retry or requeue (with an optional delay), or a drop (with a reason). */
	record Request(Action action, Duration delay, String reason) {
	}

}
