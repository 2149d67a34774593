package io.asyncqueue.core.worker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.asyncqueue.core.JobDefinition;
import io.asyncqueue.core.JobInfo;

/**
 * One running job. Its state moves once from running to done (its handler returned), timed out or released
 * (interrupted at a stop). An interruption goes through an intermediate state, as in {@code FutureTask}: the
 * handler's thread, having returned, waits until a pending interrupt has been delivered and then clears it, so
 * an interrupt aimed at this job can never hit the next job the thread runs.
 */
public final class Execution {

	private static final int RUNNING = 0;

	private static final int DONE = 1;

	private static final int INTERRUPTING = 2;

	private static final int TIMED_OUT = 3;

	private static final int RELEASED = 4;

	private final ReservedJob job;

	private final Thread thread;

	private final long startNanos = System.nanoTime();

	private final AtomicInteger state = new AtomicInteger(RUNNING);

	private volatile JobInfo info;

	private volatile JobDefinition<?> definition;

	private volatile String uniqueId;

	private volatile boolean leaseLost;

	/** When the handle timeout falls due ({@link System#nanoTime()}); read once {@link #handleTimeout} is set. */
	private long deadlineNanos;

	/** The handle timeout being watched, or {@code null} while none is. */
	private volatile Duration handleTimeout;

	Execution(ReservedJob job, Thread thread) {
		this.job = job;
		this.thread = thread;
	}

	ReservedJob job() {
		return this.job;
	}

	String id() {
		return this.job.id();
	}

	String token() {
		return this.job.token();
	}

	int attempt() {
		return this.job.attempt();
	}

	boolean isRunning() {
		return this.state.get() == RUNNING;
	}

	/** The handler returned: true if nothing else (a timeout, a stop) has taken the job over first. */
	boolean complete() {
		return this.state.compareAndSet(RUNNING, DONE);
	}

	/** The handle timeout fired: true if it takes the job over (the handler is interrupted). */
	boolean timeOut() {
		return interrupt(TIMED_OUT);
	}

	/** A stop ran out of grace: true if it takes the job over (the handler is interrupted). */
	boolean release() {
		return interrupt(RELEASED);
	}

	private boolean interrupt(int finalState) {
		if (!this.state.compareAndSet(RUNNING, INTERRUPTING)) {
			return false;
		}
		try {
			this.thread.interrupt();
		}
		finally {
			this.state.set(finalState);
		}
		return true;
	}

	/**
	 * Called on the handler's thread once it is done with this job: waits for an interrupt being delivered to
	 * it and clears the thread's interrupt status, so that the thread's next job starts clean.
	 */
	void clearInterrupt() {
		while (this.state.get() == INTERRUPTING) {
			Thread.onSpinWait();
		}
		Thread.interrupted();
	}

	/**
	 * Watch this execution for a handle timeout from now on.
	 * @param timeout the handle timeout, not zero
	 */
	void watchTimeout(Duration timeout) {
		this.deadlineNanos = System.nanoTime() + timeout.toNanos();
		this.handleTimeout = timeout;
	}

	/** The handle timeout if this execution is running past it, else {@code null}. */
	Duration overdue(long nowNanos) {
		Duration timeout = this.handleTimeout;
		return (timeout != null && nowNanos - this.deadlineNanos >= 0 && isRunning()) ? timeout : null;
	}

	Duration elapsed() {
		return Duration.ofNanos(System.nanoTime() - this.startNanos);
	}

	JobInfo info() {
		return this.info;
	}

	void info(JobInfo info) {
		this.info = info;
	}

	JobDefinition<?> definition() {
		return this.definition;
	}

	void definition(JobDefinition<?> definition) {
		this.definition = definition;
	}

	String uniqueId() {
		return this.uniqueId;
	}

	void uniqueId(String uniqueId) {
		this.uniqueId = uniqueId;
	}

	/** Marks the lease lost; true the first time, so that it is reported once. */
	boolean markLeaseLost() {
		if (this.leaseLost) {
			return false;
		}
		this.leaseLost = true;
		return true;
	}

}
