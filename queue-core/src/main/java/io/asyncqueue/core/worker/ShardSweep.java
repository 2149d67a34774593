package io.asyncqueue.core.worker;

import java.util.List;
import java.util.function.Consumer;

import io.asyncqueue.core.scripts.FetchReply;
import io.asyncqueue.core.scripts.QueueScripts;

/**
 * Which shard a fetch loop fetches from next. One loop serves every shard of a sharded queue with one
 * blocking connection: it fetches from each shard in turn, one fetch each, so shards with a backlog share the
 * loop evenly, and it blocks (on shard 0's marker, the one pushes to any shard signal) only once every shard
 * in a row had nothing ready. An idle loop therefore costs each shard one fetch per blocking timeout.
 */
final class ShardSweep {

	/** {@link #next} when the loop goes straight on to the next shard. */
	static final long GO_ON = 0;

	private final List<QueueScripts> scripts;

	private final List<Consumer<ReservedJob>> dispatches;

	private int current;

	/** Shards in a row with nothing ready. */
	private int idle;

	/** The earliest wake-up those shards asked for, or {@link FetchReply#NOTHING_SCHEDULED}. */
	private long wake = FetchReply.NOTHING_SCHEDULED;

	/** Whether the loop may wake a peer: once per wake-up of its own. */
	private boolean mayRing = true;

	ShardSweep(List<QueueScripts> scripts, List<Consumer<ReservedJob>> dispatches) {
		if (scripts.isEmpty() || scripts.size() != dispatches.size()) {
			throw new IllegalArgumentException("One dispatch per shard, and at least one shard");
		}
		this.scripts = List.copyOf(scripts);
		this.dispatches = List.copyOf(dispatches);
	}

	boolean isSharded() {
		return this.scripts.size() > 1;
	}

	/** The shard the next fetch is from, 0 for an unsharded queue. */
	int current() {
		return this.current;
	}

	QueueScripts scripts() {
		return this.scripts.get(this.current);
	}

	Consumer<ReservedJob> dispatch() {
		return this.dispatches.get(this.current);
	}

	/** Shard 0's scripts: its marker is where idle loops block, and what wakes them. */
	QueueScripts doorbell() {
		return this.scripts.get(0);
	}

	/**
	 * Whether the fetch just made should wake a peer: it found a backlog on a shard other than 0 (whose fetch
	 * script signals its own marker) and this loop has not woken one since it last blocked, so a burst on one
	 * shard wakes the idle loops one after another rather than all at once or never.
	 */
	boolean shouldRing(boolean gotJobs, long wakeInMillis) {
		if (this.mayRing && this.current != 0 && wakeInMillis == 0 && gotJobs) {
			this.mayRing = false;
			return true;
		}
		return false;
	}

	/**
	 * Move on after a fetch that failed: a shard whose master is down (or refuses) must not keep the loop from
	 * the others; the loop's back-off paces the retries.
	 */
	void skip() {
		next(false, FetchReply.NOTHING_SCHEDULED);
	}

	/**
	 * Move on after a fetch from the current shard.
	 * @param gotJobs whether it reserved anything
	 * @param wakeInMillis its reply's wake-up ({@link FetchReply#wakeInMillis()})
	 * @return {@link #GO_ON}, or once every shard in a row was idle, how long to block: the earliest wake-up
	 * they asked for, or a negative value for none
	 */
	long next(boolean gotJobs, long wakeInMillis) {
		if (gotJobs || wakeInMillis == 0) {
			this.idle = 0;
			this.wake = FetchReply.NOTHING_SCHEDULED;
		}
		else {
			this.idle++;
			if (wakeInMillis > 0 && (this.wake <= 0 || wakeInMillis < this.wake)) {
				this.wake = wakeInMillis;
			}
		}
		this.current = (this.current + 1) % this.scripts.size();
		if (this.idle < this.scripts.size()) {
			return GO_ON;
		}
		long blockFor = (this.wake > 0) ? this.wake : FetchReply.NOTHING_SCHEDULED;
		this.idle = 0;
		this.wake = FetchReply.NOTHING_SCHEDULED;
		this.mayRing = true;
		return blockFor;
	}

}
