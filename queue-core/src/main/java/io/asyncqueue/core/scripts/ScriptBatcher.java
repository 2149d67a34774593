package io.asyncqueue.core.scripts;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.asyncqueue.core.QueueException;
import io.asyncqueue.core.redis.DirectConnection;
import io.asyncqueue.core.redis.RedisConnector;

/**
 * Group commit for one script of one queue: while one call is in flight, the records other threads
 * submit queue up and go together in the next call, their arguments one after the other. Under load
 * one round trip carries many records; when idle a record goes alone at once, so nothing waits for a
 * timer. The script must take records back to back and reply with the same number of elements for each.
 * A submission of several records (a caller's batch) is never split between calls, so it stays one
 * atomic step, and submissions go to Redis in the order they were made.
 *
 * <p>Settles (acks from many handler threads) and pushes (from many producer threads; a {@code pushAll}
 * is one submission of several records) go through one each.
 *
 * <p>What waits is bounded: when Redis stops answering with the connection still open (a stalled or
 * paused server), nothing completes the call in flight, and submissions would pile up in memory until
 * the connection times out, or for ever. Beyond {@link Limits} a submission fails at once with a
 * {@link QueueException} saying how many wait and for how long Redis has been silent; a lone
 * submission larger than the limits still goes, since it waits behind nothing.
 *
 * @param <T> what one record's reply is read as
 */
final class ScriptBatcher<T> {

	private final RedisConnector redis;

	private final RedisScript script;

	private final String[] keys;

	private final String[] head;

	private final int maxRecords;

	private final long maxChars;

	private static final Logger logger = LoggerFactory.getLogger(ScriptBatcher.class);

	private final int replyElements;

	private volatile BiConsumer<List<Object>, Integer> onReply;

	private final ReplyReader<T> reader;

	private final Executor followUps;

	private final ConcurrentLinkedQueue<Pending<T>> pending = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean inFlight = new AtomicBoolean();

	private final Limits limits;

	private final ReplicaWait replicaWait;

	private final AtomicLong waitingRecords = new AtomicLong();

	private final AtomicLong waitingChars = new AtomicLong();

	/** When the call in flight was sent ({@link System#nanoTime()}). */
	private volatile long sentAt;

	/**
	 * How long no submission may have waited behind a call for a caller's own call to go through the direct
	 * connection: with concurrent submitters the usual way is faster, as each call carries many of them and the
	 * event loop sends the next at once, where a direct call holds the others back behind one caller's thread,
	 * which may be descheduled (32 producer threads on 2 cores pushed 15 % less that way).
	 */
	private static final long ALONE_FOR_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	/** When a submission last found a call in flight ({@link System#nanoTime()}). */
	private volatile long queuedBehindAt = System.nanoTime() - ALONE_FOR_NANOS;

	/** Submissions accepted so far. */
	private final AtomicLong accepted = new AtomicLong();

	/**
	 * Submissions handed to the connection so far. Written only by the thread holding {@link #inFlight}, so a
	 * plain increment of the volatile is safe.
	 */
	private volatile long dispatched;

	private final Object dispatchMonitor = new Object();

	/** Threads in {@link #awaitDispatched}: a dispatch notifies only when someone waits. */
	private volatile int dispatchWaiters;

	/**
	 * A batcher of one script on one queue.
	 * @param redis the connector
	 * @param script the script, which takes records back to back
	 * @param keys the queue's keys
	 * @param head arguments that go first in every call, before the records
	 * @param maxRecords the most records one call carries (a larger submission still goes, alone)
	 * @param maxChars the most characters of arguments one call carries (a larger submission still goes, alone)
	 * @param replyElements how many elements of the script's reply belong to each record
	 * @param reader reads one submission's reply from the elements starting at an offset
	 * @param followUps runs the completion of each batch's {@linkplain #submitWithFollowUp followed-up} futures:
	 * one task per batch, off Lettuce's I/O thread, so that callers' follow-up work neither slows nor waits
	 * for the connection
	 * @param limits how much may wait for the call in flight
	 */
	ScriptBatcher(RedisConnector redis, RedisScript script, String[] keys, String[] head, int maxRecords,
			long maxChars, int replyElements, ReplyReader<T> reader, Executor followUps, Limits limits) {
		this(redis, script, keys, head, maxRecords, maxChars, replyElements, reader, followUps, limits, null);
	}

	/**
	 * A batcher whose calls are confirmed only once enough replicas have them.
	 * @param replicaWait the connection and the {@code WAIT} behind every call, or {@code null} for none
	 */
	ScriptBatcher(RedisConnector redis, RedisScript script, String[] keys, String[] head, int maxRecords,
			long maxChars, int replyElements, ReplyReader<T> reader, Executor followUps, Limits limits,
			ReplicaWait replicaWait) {
		this.replicaWait = replicaWait;
		this.redis = redis;
		this.script = script;
		this.keys = keys;
		this.head = head;
		this.limits = limits;
		this.maxRecords = maxRecords;
		this.maxChars = maxChars;
		this.replyElements = replyElements;
		this.reader = reader;
		this.followUps = followUps;
	}

	/**
	 * Queue one record whose caller waits for it: its future completes on Lettuce's I/O thread, which
	 * only wakes the caller up.
	 * @param args the record's arguments
	 * @return the record's reply
	 */
	CompletableFuture<T> submit(String[] args) {
		return submit(args, 1, false);
	}

	/**
	 * Queue several records that go in one call, whose caller waits for them.
	 * @param args the records' arguments, back to back
	 * @param records how many records they are
	 * @return the records' reply
	 */
	CompletableFuture<T> submitAll(String[] args, int records) {
		noteQueueing();
		return submit(args, records, false);
	}

	/**
	 * Queue one record with work chained to its future: it completes on the follow-ups executor.
	 * @param args the record's arguments
	 * @return the record's reply
	 */
	CompletableFuture<T> submitWithFollowUp(String[] args) {
		return submit(args, 1, true);
	}

	/**
	 * Queue several records that go in one call, for a caller that blocks on the future at once: when nothing is
	 * in flight or waiting, the call is made on the caller's thread through the {@linkplain RedisConnector#direct()
	 * direct connection} if it takes it, sparing two hand-offs between threads. Only for a script whose replay
	 * lands once (a push), since a direct call lost mid-way is replayed.
	 * @param args the records' arguments, back to back
	 * @param records how many records they are
	 * @return the records' reply, complete when the direct connection took the call
	 */
	CompletableFuture<T> submitAllAndWait(String[] args, int records) {
		noteQueueing();
		return submit(args, records, false, true);
	}

	/**
	 * A push that finds a call in flight waits behind it: for {@link #ALONE_FOR_NANOS} no push goes direct. Only the
	 * pushes' methods note it, so that settles, which never go direct, do not write it on their hot path.
	 */
	private void noteQueueing() {
		if (this.inFlight.get()) {
			this.queuedBehindAt = System.nanoTime();
		}
	}

	private CompletableFuture<T> submit(String[] args, int records, boolean followedUp) {
		return submit(args, records, followedUp, false);
	}

	private CompletableFuture<T> submit(String[] args, int records, boolean followedUp, boolean callerWaits) {
		long chars = charsOf(args);
		long waiting = this.waitingRecords.get();
		if (waiting > 0 && (waiting + records > this.limits.records()
				|| this.waitingChars.get() + chars > this.limits.chars())) {
			return CompletableFuture.failedFuture(tooManyWaiting(waiting));
		}
		Pending<T> record = new Pending<>(args, records, chars, new CompletableFuture<>(), followedUp);
		this.waitingRecords.addAndGet(records);
		this.waitingChars.addAndGet(chars);
		this.accepted.incrementAndGet();
		this.pending.add(record);
		flush((callerWaits && System.nanoTime() - this.queuedBehindAt > ALONE_FOR_NANOS) ? record : null);
		return record.result;
	}

	/**
	 * Wait until every submission accepted before this call has been handed to the connection, so that a
	 * command the caller sends next on the same connection reaches Redis after them (a connection's
	 * commands run in the order they were written). A submission waits for the call in flight, so this is
	 * at most about one round trip; the wait is bounded because a stalled Redis would hold it for ever.
	 * @param timeoutNanos the longest wait
	 * @return whether they were all handed on in time
	 */
	boolean awaitDispatched(long timeoutNanos) {
		long target = this.accepted.get();
		if (this.dispatched >= target) {
			return true;
		}
		long deadline = System.nanoTime() + timeoutNanos;
		synchronized (this.dispatchMonitor) {
			this.dispatchWaiters++;
			try {
				long left;
				while (this.dispatched < target && (left = deadline - System.nanoTime()) > 0) {
					TimeUnit.NANOSECONDS.timedWait(this.dispatchMonitor, left);
				}
				return this.dispatched >= target;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
			finally {
				this.dispatchWaiters--;
			}
		}
	}

	private void dispatchedBatch(int submissions) {
		this.dispatched += submissions;
		if (this.dispatchWaiters > 0) {
			synchronized (this.dispatchMonitor) {
				this.dispatchMonitor.notifyAll();
			}
		}
	}

	private QueueException tooManyWaiting(long waiting) {
		long silentMillis = this.inFlight.get() ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.sentAt) : 0;
		return new QueueException(waiting + " " + this.limits.what() + " already waiting for Redis, which has not answered for "
				+ silentMillis + " ms: refused at once rather than held in memory (at most " + this.limits.records()
				+ " or " + (this.limits.chars() >> 20) + " Mi characters may wait; see queue-core's README, 'Redis outages')");
	}

	private void flush() {
		flush(null);
	}

	/**
	 * Send what waits, one call at a time.
	 * @param own the submission of a caller that blocks on it at once, which goes through the direct connection if
	 * it is alone at the head of the queue, or {@code null}
	 */
	private void flush(Pending<T> waiting) {
		Pending<T> own = waiting;
		while (!this.pending.isEmpty() && this.inFlight.compareAndSet(false, true)) {
			// only the thread holding inFlight takes from the queue, so a peek is still there to poll
			if (own != null && this.pending.peek() == own && this.replicaWait == null) {
				Pending<T> alone = own;
				CompletableFuture<List<Object>> direct = callDirect(alone);
				own = null;
				if (direct != null) {
					// a replay of a lost direct call is on the shared connection already: later calls follow it
					this.inFlight.set(false);
					direct.whenComplete((values, failure) -> completeAll(List.of(alone), direct));
					continue;
				}
			}
			own = null;
			List<Pending<T>> batch = new ArrayList<>();
			int length = 0;
			int records = 0;
			long chars = 0;
			Pending<T> next;
			while ((next = this.pending.peek()) != null) {
				long size = next.chars;
				if (!batch.isEmpty() && (records + next.records > this.maxRecords || chars + size > this.maxChars)) {
					break;
				}
				this.pending.poll();
				this.waitingRecords.addAndGet(-next.records);
				this.waitingChars.addAndGet(-size);
				batch.add(next);
				length += next.args.length;
				records += next.records;
				chars += size;
			}
			if (batch.isEmpty()) {
				this.inFlight.set(false);
				continue;
			}
			String[] args = arguments(batch, length);
			CompletableFuture<List<Object>> reply;
			this.sentAt = System.nanoTime();
			try {
				if (this.replicaWait == null) {
					reply = this.script.run(this.redis.commands(), this.keys, args);
				}
				else {
					RedisClusterAsyncCommands<String, String> replicated = this.replicaWait.commands();
					reply = this.replicaWait.confirm(replicated, this.script.run(replicated, this.keys, args));
				}
			}
			catch (Throwable ex) {
				reply = CompletableFuture.failedFuture(ex);
			}
			dispatchedBatch(batch.size());
			if (reply.isDone()) {
				// Already over (a command refused while disconnected fails at once): settled here and the loop
				// goes on, rather than from the callback, which would recurse once per batch on this thread.
				this.inFlight.set(false);
				completeAll(batch, reply);
				continue;
			}
			CompletableFuture<List<Object>> call = reply;
			call.whenComplete((values, failure) -> {
				try {
					this.inFlight.set(false);
					flush();
				}
				finally {
					completeAll(batch, call);
				}
			});
			return;
		}
	}

	/**
	 * Make {@code own}'s call through the direct connection on this thread, if it takes it; the caller holds
	 * {@link #inFlight} and {@code own} is at the head of the queue.
	 * @return the reply (complete, or a replay in flight), or {@code null} when the call was not taken and
	 * {@code own} is still queued
	 */
	private CompletableFuture<List<Object>> callDirect(Pending<T> own) {
		CompletableFuture<List<Object>> reply;
		try {
			DirectConnection direct = this.redis.direct();
			if (direct == null) {
				return null;
			}
			String[] args = arguments(List.of(own), own.args.length);
			this.sentAt = System.nanoTime();
			reply = this.script.runDirect(direct, this.redis::commands, this.keys, args);
		}
		catch (Throwable ex) {
			// the usual way gives the caller its failure (a connector that cannot connect, say)
			return null;
		}
		if (reply == null) {
			return null;
		}
		this.pending.poll();
		this.waitingRecords.addAndGet(-own.records);
		this.waitingChars.addAndGet(-own.chars);
		dispatchedBatch(1);
		return reply;
	}

	private String[] arguments(List<Pending<T>> batch, int length) {
		String[] args = new String[this.head.length + length];
		System.arraycopy(this.head, 0, args, 0, this.head.length);
		int offset = this.head.length;
		for (Pending<T> record : batch) {
			System.arraycopy(record.args, 0, args, offset, record.args.length);
			offset += record.args.length;
		}
		return args;
	}

	/**
	 * Also hand every call's whole reply, with the number of records it carried, to {@code hook}, on the thread that
	 * completes the call: for what a script says about the call beyond its records (settle's trailing element).
	 * @param hook must not block
	 */
	void onReply(BiConsumer<List<Object>, Integer> hook) {
		this.onReply = hook;
	}

	private void completeAll(List<Pending<T>> batch, CompletableFuture<List<Object>> reply) {
		List<Object> values = null;
		Throwable failure = null;
		try {
			values = reply.join();
		}
		catch (Throwable ex) {
			failure = rootCause(ex);
		}
		BiConsumer<List<Object>, Integer> hook = this.onReply;
		if (hook != null && values != null) {
			try {
				hook.accept(values, batch.stream().mapToInt((record) -> record.records).sum());
			}
			catch (RuntimeException ex) {
				logger.warn("A script reply's hook failed", ex);
			}
		}
		complete(batch, values, failure, false);
		if (batch.stream().anyMatch(Pending::followedUp)) {
			List<Object> replied = values;
			Throwable failed = failure;
			this.followUps.execute(() -> complete(batch, replied, failed, true));
		}
	}

	static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private static long charsOf(String[] args) {
		long chars = 0;
		for (String arg : args) {
			chars += arg.length();
		}
		return chars;
	}

	private void complete(List<Pending<T>> batch, List<Object> values, Throwable failure, boolean followedUp) {
		int offset = 0;
		for (Pending<T> record : batch) {
			int at = offset;
			offset += record.records * this.replyElements;
			if (record.followedUp != followedUp) {
				continue;
			}
			if (failure != null) {
				record.result.completeExceptionally(failure);
				continue;
			}
			try {
				record.result.complete(this.reader.read(values, at, record.records));
			}
			catch (RuntimeException ex) {
				record.result.completeExceptionally(ex);
			}
		}
	}

	/**
	 * Reads one submission's reply.
	 * @param <T> what it is read as
	 */
	@FunctionalInterface
	interface ReplyReader<T> {

		/**
		 * Read one submission's reply.
		 * @param reply the whole reply of the call
		 * @param offset where the submission's elements start
		 * @param records how many records the submission has
		 * @return the submission's reply
		 */
		T read(List<Object> reply, int offset, int records);

	}

	private record Pending<T>(String[] args, int records, long chars, CompletableFuture<T> result,
			boolean followedUp) {
	}

	/**
	 * How much may wait for the call in flight.
	 * @param records the most records waiting
	 * @param chars the most characters of arguments waiting
	 * @param what what a record is, for the refusal's message ("pushes")
	 */
	record Limits(long records, long chars, String what) {

		/** No limit: for callers whose own slots bound what they submit (a worker's settles). */
		static final Limits NONE = new Limits(Long.MAX_VALUE, Long.MAX_VALUE, "records");

	}

}
