package io.asyncqueue.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.redis.RedisScript;

/**
 * Group commit for settles: while one settle script call is in flight, the settles of other handler
 * threads queue up and go together in the next call. Under load one round trip acknowledges many
 * jobs; when idle a settle goes alone at once, so nothing waits for a timer.
 */
final class SettleBatcher {

	private static final RedisScript SETTLE = RedisScript.named("settle");

	private static final int MAX_BATCH = 256;

	private final RedisConnector redis;

	private final String[] keys;

	private final Executor completions;

	private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean inFlight = new AtomicBoolean();

	/**
	 * A batcher of one queue.
	 * @param redis the connector
	 * @param keys the queue's keys
	 * @param completions runs the completion of each batch's {@linkplain #submitWithFollowUp followed-up}
	 * futures: one task per batch, off Lettuce's I/O thread, so that callers' follow-up work neither slows
	 * nor waits for the connection
	 */
	SettleBatcher(RedisConnector redis, String[] keys, Executor completions) {
		this.redis = redis;
		this.keys = keys;
		this.completions = completions;
	}

	/**
	 * Queue one settle whose caller waits for it: its future completes on Lettuce's I/O thread, which
	 * only wakes the caller up.
	 * @param args its record of settle.lua's arguments
	 * @return 1 if the caller still owned the job, 0 if not
	 */
	CompletableFuture<Long> submit(String[] args) {
		return submit(args, false);
	}

	/**
	 * Queue one settle with work chained to its future: it completes on the completions executor.
	 * @param args its record of settle.lua's arguments
	 * @return 1 if the caller still owned the job, 0 if not
	 */
	CompletableFuture<Long> submitWithFollowUp(String[] args) {
		return submit(args, true);
	}

	private CompletableFuture<Long> submit(String[] args, boolean followedUp) {
		Pending settle = new Pending(args, new CompletableFuture<>(), followedUp);
		this.pending.add(settle);
		flush();
		return settle.result;
	}

	private void flush() {
		while (!this.pending.isEmpty() && this.inFlight.compareAndSet(false, true)) {
			List<Pending> batch = new ArrayList<>();
			Pending next;
			while (batch.size() < MAX_BATCH && (next = this.pending.poll()) != null) {
				batch.add(next);
			}
			if (batch.isEmpty()) {
				this.inFlight.set(false);
				continue;
			}
			int length = 0;
			for (Pending settle : batch) {
				length += settle.args.length;
			}
			String[] args = new String[length];
			int offset = 0;
			for (Pending settle : batch) {
				System.arraycopy(settle.args, 0, args, offset, settle.args.length);
				offset += settle.args.length;
			}
			CompletableFuture<List<Long>> reply;
			try {
				reply = SETTLE.run(this.redis.commands(), this.keys, args);
			}
			catch (RuntimeException ex) {
				reply = CompletableFuture.failedFuture(ex);
			}
			reply.whenComplete((owned, failure) -> {
				this.inFlight.set(false);
				flush();
				complete(batch, owned, failure, false);
				if (batch.stream().anyMatch(Pending::followedUp)) {
					this.completions.execute(() -> complete(batch, owned, failure, true));
				}
			});
			return;
		}
	}

	private static void complete(List<Pending> batch, List<Long> owned, Throwable failure, boolean followedUp) {
		for (int i = 0; i < batch.size(); i++) {
			Pending settle = batch.get(i);
			if (settle.followedUp != followedUp) {
				continue;
			}
			if (failure != null) {
				settle.result.completeExceptionally(failure);
			}
			else {
				settle.result.complete(owned.get(i));
			}
		}
	}

	private record Pending(String[] args, CompletableFuture<Long> result, boolean followedUp) {
	}

}
