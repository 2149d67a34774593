package io.asyncqueue.core.worker;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler threads of one queue: at most {@code size} of them, started as jobs need them and ended after
 * they have been idle for the keep-alive time.
 *
 * <p>Why not a {@code ThreadPoolExecutor}: over a {@code LinkedBlockingQueue}, every take that leaves a task
 * behind wakes another parked thread, so a fetched batch of 32 short jobs wakes 32 threads for one job each —
 * a futex wake, a context switch and a park per job, which was most of the worker's CPU per job in the drain
 * benchmark. Here a parked thread is woken only when no thread is already awake and looking for work (or the
 * one woken last has not got a CPU within a millisecond): a burst of short jobs runs on the few threads that
 * are awake. Long jobs still spread over every thread at once: a
 * thread that takes a job and sees more waiting wakes the next one before it runs its own, so the n-th job of a
 * batch waits at most for n thread wake-ups, never for another job to finish.
 */
public final class HandlerPool implements Executor {

	private static final Logger logger = LoggerFactory.getLogger(HandlerPool.class);

	private static final int IDLE = 0;

	private static final int SEARCHING = 1;

	private static final int RUNNING = 2;

	private static final int ENDED = 3;

	/**
	 * How long a woken thread may take to start looking before a new task wakes another anyway: on a busy
	 * machine a woken thread can wait several milliseconds for a CPU, and tasks must not wait behind it.
	 */
	private static final long SEARCH_START_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final int size;

	private final long keepAliveNanos;

	private final ThreadFactory threadFactory;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	/** Parked threads, the most recently parked first (its caches are the warmest). */
	private final ConcurrentLinkedDeque<Handler> idle = new ConcurrentLinkedDeque<>();

	/** Threads awake and about to look at {@link #tasks}: while there is one, a new task wakes nobody. */
	private final AtomicInteger searching = new AtomicInteger();

	/** Every thread started and not yet ended, for {@link #shutdownNow()}. */
	private final Queue<Handler> all = new ConcurrentLinkedQueue<>();

	private final AtomicInteger threads = new AtomicInteger();

	/** When the latest thread was woken or started to search. */
	private volatile long searchingSince;

	private final AtomicLong wakeUps = new AtomicLong();

	private volatile boolean shutdown;

	/**
	 * A pool of handler threads.
	 * @param size the most threads at once: the queue's concurrency
	 * @param keepAlive how long a thread stays parked before it ends
	 * @param unit the unit of {@code keepAlive}
	 * @param threadFactory makes the threads (platform or virtual)
	 */
	public HandlerPool(int size, long keepAlive, TimeUnit unit, ThreadFactory threadFactory) {
		if (size < 1) {
			throw new IllegalArgumentException("size must be at least 1, was " + size);
		}
		this.size = size;
		this.keepAliveNanos = unit.toNanos(keepAlive);
		this.threadFactory = threadFactory;
	}

	@Override
	public void execute(Runnable task) {
		if (this.shutdown) {
			throw new RejectedExecutionException("the handler pool is shut down");
		}
		this.tasks.offer(task);
		signal();
	}

	/** Make sure a thread will look at the tasks: one already searching, a parked one woken, or a new one. */
	private void signal() {
		while (!this.shutdown && (this.searching.get() == 0
				|| System.nanoTime() - this.searchingSince > SEARCH_START_NANOS)) {
			Handler handler = this.idle.pollFirst();
			if (handler != null) {
				if (handler.wake()) {
					this.searchingSince = System.nanoTime();
					return;
				}
				// it woke itself (a task came as it parked) or its keep-alive ran out: try the next
				continue;
			}
			int started = this.threads.get();
			if (started >= this.size) {
				// every thread is busy with a job: the first to finish takes the task
				return;
			}
			if (this.threads.compareAndSet(started, started + 1)) {
				this.searchingSince = System.nanoTime();
				start();
				return;
			}
		}
	}

	private void start() {
		Handler handler = new Handler();
		this.searching.incrementAndGet();
		try {
			handler.thread = this.threadFactory.newThread(handler);
			handler.thread.start();
		}
		catch (RuntimeException | Error ex) {
			this.searching.decrementAndGet();
			this.threads.decrementAndGet();
			throw ex;
		}
	}

	/** Threads started and not yet ended. */
	public int threads() {
		return this.threads.get();
	}

	/** Times a parked thread was woken for a task (for tests and diagnostics). */
	public long wakeUps() {
		return this.wakeUps.get();
	}

	/** Take no more tasks, drop the queued ones, interrupt running ones and end every thread. */
	public void shutdownNow() {
		this.shutdown = true;
		this.tasks.clear();
		Handler handler;
		while ((handler = this.idle.pollFirst()) != null) {
			LockSupport.unpark(handler.thread);
		}
		for (Handler running : this.all) {
			running.thread.interrupt();
		}
	}

	private final class Handler implements Runnable {

		private final AtomicInteger state = new AtomicInteger(SEARCHING);

		private volatile Thread thread;

		Handler() {
			HandlerPool.this.all.add(this);
		}

		boolean wake() {
			if (!this.state.compareAndSet(IDLE, SEARCHING)) {
				return false;
			}
			HandlerPool.this.searching.incrementAndGet();
			HandlerPool.this.wakeUps.incrementAndGet();
			LockSupport.unpark(this.thread);
			return true;
		}

		@Override
		public void run() {
			try {
				loop();
			}
			finally {
				HandlerPool.this.all.remove(this);
			}
		}

		private void loop() {
			HandlerPool pool = HandlerPool.this;
			while (!pool.shutdown) {
				Runnable task = pool.tasks.poll();
				if (task != null) {
					if (this.state.getAndSet(RUNNING) == SEARCHING) {
						pool.searching.decrementAndGet();
					}
					if (!pool.tasks.isEmpty()) {
						// more waiting: somebody else starts on them while this thread runs its own
						pool.signal();
					}
					runQuietly(task);
					continue;
				}
				if (this.state.getAndSet(IDLE) == SEARCHING) {
					pool.searching.decrementAndGet();
				}
				pool.idle.addFirst(this);
				// a task offered while this thread stopped searching saw no searcher: look once more
				if (!pool.tasks.isEmpty() && this.state.compareAndSet(IDLE, SEARCHING)) {
					pool.idle.remove(this);
					pool.searching.incrementAndGet();
					continue;
				}
				if (!park()) {
					return;
				}
			}
			end();
		}

		/** Parked until woken (true) or the keep-alive ran out and this thread ended (false). */
		private boolean park() {
			HandlerPool pool = HandlerPool.this;
			long deadline = System.nanoTime() + pool.keepAliveNanos;
			while (this.state.get() == IDLE && !pool.shutdown) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					if (this.state.compareAndSet(IDLE, ENDED)) {
						pool.idle.remove(this);
						pool.threads.decrementAndGet();
						// a task may have come as this thread was ending: make sure somebody takes it
						if (!pool.tasks.isEmpty()) {
							pool.signal();
						}
						return false;
					}
					// woken at the last moment
					break;
				}
				LockSupport.parkNanos(pool, left);
			}
			// interrupts are for the job that was running, not for a parked thread
			Thread.interrupted();
			return true;
		}

		private void end() {
			if (this.state.getAndSet(ENDED) == SEARCHING) {
				HandlerPool.this.searching.decrementAndGet();
			}
			HandlerPool.this.idle.remove(this);
			HandlerPool.this.threads.decrementAndGet();
		}

		private void runQuietly(Runnable task) {
			try {
				task.run();
			}
			catch (Throwable ex) {
				logger.error("A handler task failed unexpectedly", ex);
			}
			finally {
				// an interrupt meant for this task must not reach the next one
				if (!HandlerPool.this.shutdown) {
					Thread.interrupted();
				}
			}
		}

	}

}
