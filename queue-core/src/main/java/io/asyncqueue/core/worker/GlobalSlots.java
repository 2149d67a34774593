package io.asyncqueue.core.worker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The slots of a queue's global concurrency that this worker holds in one shard, and the jobs it reserved ahead
 * of one.
 *
 * <p>The global concurrency counts running jobs. A job reserved beyond the worker's free handlers holds no slot
 * (Redis keeps it in the queue's {@code ahead} set): it waits here, not on a handler, and starts only when one of
 * this worker's jobs finishes and hands it that job's slot, in the same settle call that ends the finished job. So
 * the worker reserves ahead as on a queue without the limit, and the count in Redis never drops between the two
 * jobs, so no other instance can take the slot meanwhile. A worker that another consumer waits on for a slot
 * ({@link #contended}) hands none on: its slots go back to Redis as its jobs finish, and its jobs reserved ahead go
 * back to waiting.
 *
 * <p>A job that finishes when no job reserved ahead is here, while a fetch that reserves more ahead is on its way,
 * keeps its slot until that fetch's jobs come ({@link #keep}): its settle waits for one of them to hand the slot to,
 * until that fetch is over (in a drain, a round trip of well under a millisecond; at most the fetch loop's wait for a
 * free handler, 200 ms, plus the fetch's call). Giving the slot back instead would leave the handler idle for longer:
 * the jobs that fetch reserved ahead could only start once a later fetch gave them slots again.
 *
 * <p>Every job this worker reserved that is not reserved ahead counts in {@link #held()} from its fetch until its
 * settle (or its return unstarted), on any queue: the count is kept the same way whether or not a limit applies.
 *
 * <p>The jobs reserved ahead are taken without a lock as jobs finish; the rarer steps that must not miss each other
 * (a slot kept because none was here, a job coming that a kept slot waits for) hold this object's monitor.
 */
public final class GlobalSlots {

	private final String owner = UUID.randomUUID().toString();

	private final int concurrency;

	private final AtomicInteger held = new AtomicInteger();

	private final ConcurrentLinkedQueue<ReservedJob> ahead = new ConcurrentLinkedQueue<>();

	private volatile boolean contended;

	/**
	 * Whether the last fetch counted slots of a global concurrency (set and cleared at run time too; not counted by a
	 * fetch a back-off or a full rate limit let reserve nothing, which keeps no slot until the next).
	 */
	private volatile boolean limited;

	/** Settles of finished jobs that keep their slot for a job a fetch on its way reserves ahead: guarded by this. */
	private final ArrayDeque<Settler.Pending> kept = new ArrayDeque<>();

	/** Fetches on their way that reserve jobs ahead for the slots held here: written under this object's monitor. */
	private volatile int fetches;

	/** Whether the worker stops, so that no slot is kept any more: guarded by this. */
	private boolean closed;

	/** Handlers promised to fetches still on their way (several fetch loops): guarded by this. */
	private int claimed;

	/**
	 * The slots of a worker with this many handlers.
	 * @param concurrency the handlers
	 */
	public GlobalSlots(int concurrency) {
		this.concurrency = concurrency;
	}

	/** This worker's id in the queue's {@code slot-wanted} mark: its own wish for a slot is no contention. */
	String owner() {
		return this.owner;
	}

	/** The jobs of this worker that hold a slot: reserved for a handler, or running. */
	int held() {
		return this.held.get();
	}

	/** Whether some handler has no job holding a slot meant for it (and no fetch on its way claimed it). */
	synchronized boolean anyFree() {
		return this.held.get() + this.claimed < this.concurrency;
	}

	/**
	 * Handlers that no job holding a slot is meant for, claimed for one fetch (how many jobs it may give a slot),
	 * so that another fetch loop's fetch meanwhile does not count them too.
	 * @return the handlers claimed; give them back with {@link #unclaim(int)} once the fetch's slots are counted
	 */
	synchronized int claimFree() {
		int free = Math.max(0, this.concurrency - this.held.get() - this.claimed);
		this.claimed += free;
		return free;
	}

	/**
	 * A fetch is over and the slots it gave are counted in {@link #held()}.
	 * @param free what {@link #claimFree()} gave it
	 */
	synchronized void unclaim(int free) {
		this.claimed -= free;
	}

	/**
	 * A fetch reserved jobs that hold a slot.
	 * @param jobs how many
	 */
	void granted(int jobs) {
		this.held.addAndGet(jobs);
	}

	/**
	 * A job reserved ahead waits here for a slot.
	 * @param job the job
	 */
	void waitAhead(ReservedJob job) {
		this.ahead.add(job);
	}

	/**
	 * The next job reserved ahead, to start in the slot of a job that finished; {@code null} when there is none or
	 * when another consumer waits for a slot.
	 */
	ReservedJob nextAhead() {
		return this.contended ? null : this.ahead.poll();
	}

	/** Whether jobs reserved ahead wait here. */
	boolean hasAhead() {
		return !this.ahead.isEmpty();
	}

	/**
	 * The jobs reserved ahead that free handlers would start now, for the next fetch to give slots to: the ones
	 * whose worker had no finishing job to take a slot from.
	 * @param most how many at most
	 * @return the jobs, oldest first
	 */
	List<ReservedJob> waitingAhead(int most) {
		List<ReservedJob> jobs = new ArrayList<>(Math.min(most, 16));
		for (ReservedJob job : this.ahead) {
			if (jobs.size() >= most) {
				break;
			}
			jobs.add(job);
		}
		return jobs;
	}

	/**
	 * Take a job reserved ahead that a fetch gave a slot to.
	 * @param job the job, as the fetch named it
	 * @return whether it was still waiting here (else a finishing job took it, or it went back)
	 */
	boolean take(ReservedJob job) {
		return this.ahead.remove(job);
	}

	/**
	 * A job reserved ahead went back to waiting (it waited too long, or the worker stops): it no longer waits here.
	 * @param job the job
	 */
	void forget(ReservedJob job) {
		this.ahead.remove(job);
	}

	/**
	 * A job that held a slot gave it back to Redis (settled without handing it on, or returned unstarted).
	 * @return the slots still held
	 */
	int freed() {
		return this.held.decrementAndGet();
	}

	/**
	 * What the last fetch said of the queue's limit and of other consumers' wish for a slot.
	 * @param limited whether it counted slots of a global concurrency (not when none is set, nor when a back-off or
	 * a full rate limit let it reserve nothing)
	 * @param contended whether another consumer waits for a slot (or the queue runs over its limit)
	 */
	void fetched(boolean limited, boolean contended) {
		this.limited = limited;
		this.contended = contended;
	}

	/**
	 * A fetch that may reserve jobs ahead is on its way (from the moment its loop starts gathering handlers for it):
	 * a job that finishes meanwhile with none reserved ahead here may keep its slot for one of that fetch's jobs.
	 * Each call is followed by one {@link #fetchOver()}.
	 */
	synchronized void fetchComing() {
		this.fetches++;
	}

	/**
	 * A fetch announced by {@link #fetchComing()} is over and its jobs are here: the slots they did not take go
	 * back, even while another fetch loop's fetch is on its way, so that no settle waits longer than one fetch.
	 * @return the settles that kept their slot, to be sent now
	 */
	synchronized List<Settler.Pending> fetchOver() {
		this.fetches--;
		return drainKept();
	}

	/**
	 * The worker stops: no slot is kept from now on, and the settles that keep one are to be sent now (a fetch loop
	 * stuck in a call to Redis would otherwise hold them past the stop).
	 * @return the settles
	 */
	synchronized List<Settler.Pending> close() {
		this.closed = true;
		return drainKept();
	}

	private List<Settler.Pending> drainKept() {
		if (this.kept.isEmpty()) {
			return List.of();
		}
		List<Settler.Pending> released = new ArrayList<>(this.kept);
		this.kept.clear();
		return released;
	}

	/**
	 * Whether a finishing job with no job reserved ahead to hand its slot to may keep it: read without the monitor,
	 * so that the settles of a queue without a limit never take it; {@link #keep} decides under it.
	 */
	boolean mayKeep() {
		return this.fetches > 0 && this.limited && !this.contended;
	}

	/**
	 * Keep a finished job's slot for a job that a fetch on its way reserves ahead. Call with this object's monitor
	 * held, having found no job reserved ahead under it.
	 * @param settle the finished job's settle, sent when a job takes the slot over (or when the fetch is over)
	 * @return whether it is kept: not when no fetch is on its way, the queue has no limit, another consumer waits
	 * for a slot, or the worker stops
	 */
	boolean keep(Settler.Pending settle) {
		assert Thread.holdsLock(this);
		if (!mayKeep() || this.closed || !this.ahead.isEmpty()) {
			return false;
		}
		this.kept.add(settle);
		return true;
	}

	/**
	 * The settle of a kept slot, for a job reserved ahead that came. Call with this object's monitor held.
	 * @return the settle, or {@code null} when no slot is kept
	 */
	Settler.Pending takeKept() {
		assert Thread.holdsLock(this);
		return this.kept.poll();
	}

	/**
	 * Put back a kept slot's settle that {@link #takeKept()} gave, whose job did not take it. Call with this
	 * object's monitor held.
	 * @param settle the settle
	 */
	void keepAgain(Settler.Pending settle) {
		assert Thread.holdsLock(this);
		this.kept.addFirst(settle);
	}

	/**
	 * The jobs reserved ahead that are not to start here: all of them while another consumer waits for a slot.
	 * (Without one, those that no finishing job took get a slot from the next fetch.)
	 * @return the jobs, in the order they were reserved; empty when they may still start
	 */
	List<ReservedJob> stranded() {
		if (!this.contended || this.ahead.isEmpty()) {
			return List.of();
		}
		List<ReservedJob> jobs = new ArrayList<>();
		ReservedJob job;
		while ((job = this.ahead.poll()) != null) {
			jobs.add(job);
		}
		return jobs;
	}

}
