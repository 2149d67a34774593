package io.asyncqueue.core.worker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.redis.RedisFailures;
import io.asyncqueue.core.scripts.Lease;
import io.asyncqueue.core.scripts.QueueScripts;

/**
 * Keeps this process's hold on the jobs it reserved. Running jobs' leases are renewed every third of the
 * lease. Jobs reserved ahead of a free handler are <em>not</em> renewed: one may wait for a handler at most half
 * a lease (counted from when its fetch was sent, so a fetch reply that arrived late counts against it), after
 * which it goes back to waiting unstarted, and a job older than that never starts here. So handlers that hang
 * and ignore interrupts cannot hold reserved jobs for ever, and no job starts on a lease that may have expired.
 */
public final class LeaseKeeper {

	private static final Logger logger = LoggerFactory.getLogger(LeaseKeeper.class);

	private final QueueSettings settings;

	private final QueueScripts scripts;

	private final Settler settler;

	private final PrefetchWindow window;

	private final GlobalSlots slots;

	private final long maxWaitNanos;

	/**
	 * Reserved and not started, each with the order it was reserved in. A job recovered and fetched again is a
	 * second entry: its token differs.
	 */
	private final Map<ReservedJob, Long> reservedAhead = new ConcurrentHashMap<>();

	private final AtomicLong sequence = new AtomicLong();

	private final Map<String, Execution> running = new ConcurrentHashMap<>();

	/**
	 * A keeper of one queue's leases in this process.
	 * @param settings the queue
	 * @param scripts the queue's scripts
	 * @param settler puts back jobs that will not start here
	 * @param window the permits of reserved jobs: one is given back for each job that will not start
	 */
	public LeaseKeeper(QueueSettings settings, QueueScripts scripts, Settler settler, PrefetchWindow window) {
		this(settings, scripts, settler, window, new GlobalSlots(settings.concurrency()));
	}

	/**
	 * A keeper of one queue's (or shard's) leases in this process.
	 * @param settings the queue
	 * @param scripts the queue's scripts
	 * @param settler puts back jobs that will not start here
	 * @param window the permits of reserved jobs: one is given back for each job that will not start
	 * @param slots the slots of the global concurrency held here: a job holding one that will not start frees it
	 */
	public LeaseKeeper(QueueSettings settings, QueueScripts scripts, Settler settler, PrefetchWindow window,
			GlobalSlots slots) {
		this.settings = settings;
		this.scripts = scripts;
		this.settler = settler;
		this.window = window;
		this.slots = slots;
		this.maxWaitNanos = settings.leaseDuration().toNanos() / 2;
	}

	/** How often {@link #renew()} should run. */
	public long renewIntervalMillis() {
		return Math.max(this.settings.leaseDuration().toMillis() / 3, 100);
	}

	/** A job was reserved for this process and waits for a handler. */
	void reserved(ReservedJob job) {
		this.reservedAhead.put(job, this.sequence.incrementAndGet());
	}

	/**
	 * A handler is about to start the job: true if it may. False if the job is no longer this handler's to
	 * start (a stop or a sweep took it back) or if it waited too long for its lease to be safe, in which case it
	 * goes back to waiting here; either way its slot has been given back.
	 */
	boolean claim(ReservedJob job) {
		if (this.reservedAhead.remove(job) == null) {
			return false;
		}
		if (job.ageNanos() > this.maxWaitNanos) {
			putBack(List.of(job), "waited longer than half its lease for a handler (or its fetch reply came late)");
			return false;
		}
		return true;
	}

	/** A reserved job will not be started here after all (the pool refused it, or the worker is stopping). */
	void giveBack(ReservedJob job) {
		giveBack(List.of(job));
	}

	/**
	 * Reserved jobs that will not be started here after all, put back in one call.
	 * @param jobs the jobs, in the order they should run again
	 */
	void giveBack(List<ReservedJob> jobs) {
		List<ReservedJob> taken = new ArrayList<>(jobs.size());
		for (ReservedJob job : jobs) {
			if (this.reservedAhead.remove(job) != null) {
				taken.add(job);
			}
		}
		if (!taken.isEmpty()) {
			putBack(taken, null);
		}
	}

	/**
	 * A job reserved ahead of a slot is handed one: it is the same reservation, now holding a slot.
	 * @param job the job, as reserved ahead
	 * @return the job holding the slot, or {@code null} if it is no longer this process's to start (a sweep or a
	 * stop took it back)
	 */
	ReservedJob handSlot(ReservedJob job) {
		Long order = this.reservedAhead.remove(job);
		if (order == null) {
			return null;
		}
		ReservedJob holder = job.holdingSlot();
		this.reservedAhead.put(holder, order);
		return holder;
	}

	/** The job started on a handler thread: its lease is renewed from now on. */
	void started(Execution execution) {
		this.running.put(execution.id(), execution);
	}

	/** The job's handler is done with it (or a timeout or stop took it over). */
	void finished(Execution execution) {
		this.running.remove(execution.id(), execution);
	}

	/** The executions running now. */
	Collection<Execution> running() {
		return List.copyOf(this.running.values());
	}

	/** Renew running jobs' leases and put back reserved-ahead jobs that waited too long. Runs on the timer. */
	public void renew() {
		sweep();
		List<Lease> renewing = new ArrayList<>();
		for (Execution execution : this.running.values()) {
			if (execution.isRunning()) {
				renewing.add(new Lease(execution.id(), execution.token()));
			}
		}
		if (renewing.isEmpty()) {
			return;
		}
		this.scripts.extend(renewing).whenComplete((lost, failure) -> {
				if (failure != null) {
					logger.warn("Queue '{}': could not renew {} lease(s): {}", this.settings.name(), renewing.size(),
							RedisFailures.unwrap(failure).getMessage());
					return;
				}
				for (Lease lease : lost) {
					leaseLost(lease.id(), lease.token());
				}
			});
	}

	private void leaseLost(String id, String token) {
		Execution execution = this.running.get(id);
		// an ack that reached Redis before this renewal also reads as "not owned": only a job still running has
		// really lost its lease
		if (execution != null && execution.token().equals(token) && execution.isRunning()
				&& execution.markLeaseLost()) {
			logger.warn("Queue '{}': job {} lost its lease while running; it may run again elsewhere",
					this.settings.name(), id);
		}
	}

	private void sweep() {
		List<ReservedJob> stale = takeReservedAhead((job) -> job.ageNanos() > this.maxWaitNanos);
		if (!stale.isEmpty()) {
			putBack(stale, "waited longer than half their lease for a handler");
		}
	}

	/**
	 * Take back every job reserved and not started (at a stop) and put them back to waiting.
	 * @param timeoutMillis how long to wait for Redis to take them
	 */
	public void releaseReservedAhead(long timeoutMillis) {
		List<ReservedJob> unstarted = takeReservedAhead((job) -> true);
		if (unstarted.isEmpty()) {
			return;
		}
		try {
			putBack(unstarted, null).get(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			// logged by the settler; the jobs come back when their lease expires
		}
	}

	/** Removes the reserved-ahead jobs that match, in the order they were reserved. */
	private List<ReservedJob> takeReservedAhead(Predicate<ReservedJob> which) {
		List<Map.Entry<ReservedJob, Long>> taken = new ArrayList<>();
		for (Map.Entry<ReservedJob, Long> entry : this.reservedAhead.entrySet()) {
			if (which.test(entry.getKey()) && this.reservedAhead.remove(entry.getKey()) != null) {
				taken.add(entry);
			}
		}
		taken.sort(Map.Entry.comparingByValue());
		return taken.stream().map(Map.Entry::getKey).toList();
	}

	/** Jobs that will not start here go back to waiting, and their slots to the fetchers. */
	java.util.concurrent.CompletableFuture<?> putBack(List<ReservedJob> jobs, String why) {
		this.window.giveBack(jobs.size());
		for (ReservedJob job : jobs) {
			if (job.ahead()) {
				this.slots.forget(job);
			}
			else {
				this.slots.freed();
			}
		}
		if (why != null) {
			logger.info("Queue '{}': {} reserved job(s) {}; put back to waiting unstarted", this.settings.name(),
					jobs.size(), why);
		}
		return this.settler.release(jobs);
	}

}
