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
	 * @param completions runs the completion of each batch's futures: one task per batch, off Lettuce's
	 * I/O thread, so that callers' follow-up work neither slows nor waits for the connection
	 */
	SettleBatcher(RedisConnector redis, String[] keys, Executor completions) {
		this.redis = redis;
		this.keys = keys;
		this.completions = completions;
	}

	/**
	 * Queue one settle.
	 * @param args its record of settle.lua's arguments
	 * @return 1 if the caller still owned the job, 0 if not
	 */
	CompletableFuture<Long> submit(String[] args) {
		Pending settle = new Pending(args, new CompletableFuture<>());
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
				this.completions.execute(() -> {
					for (int i = 0; i < batch.size(); i++) {
						if (failure != null) {
							batch.get(i).result.completeExceptionally(failure);
						}
						else {
							batch.get(i).result.complete(owned.get(i));
						}
					}
				});
			});
			return;
		}
	}

	private record Pending(String[] args, CompletableFuture<Long> result) {
	}

}
