package io.asyncqueue.it;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.QueueWorker;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.RedisUnavailableException;
import io.asyncqueue.core.redis.RedisConnector;

import static org.awaitility.Awaitility.await;

/**
 * The load the failover scenarios run: one pusher thread pushing as fast as Redis confirms, one worker whose
 * handler counts every execution, and the figures a failover leaves behind: confirmed pushes never executed,
 * executions beyond one per job, the longest time without a confirmed push, and how the pushes that failed
 * meanwhile failed.
 */
final class FailoverLoad implements AutoCloseable {

	private final QueueSettings settings;

	private final QueueWorker worker;

	private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

	/** Id → when it was confirmed. */
	private final Map<String, Long> confirmed = new ConcurrentHashMap<>();

	private final AtomicLong lastConfirmed = new AtomicLong(System.nanoTime());

	private final AtomicLong longestGap = new AtomicLong();

	private final AtomicInteger unavailable = new AtomicInteger();

	private final AtomicInteger otherFailures = new AtomicInteger();

	private final Set<String> otherMessages = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean pushing = new AtomicBoolean(true);

	private final AtomicLong failoverAt = new AtomicLong(Long.MAX_VALUE);

	private final AtomicInteger confirmedAfter = new AtomicInteger();

	private final Thread pusher;

	/**
	 * Start consuming and pushing.
	 * @param redis the connector
	 * @param settings the queue; its jobs are named {@code work}
	 */
	FailoverLoad(RedisConnector redis, QueueSettings settings) {
		this.settings = settings;
		JobSerializer serializer = new JobSerializer();
		QueueClient client = new QueueClient(redis, serializer, Queues.of(settings));
		this.worker = QueueWorker.builder(settings, redis).serializer(serializer).job("work", Integer.class,
				(n, context) -> {
					Thread.sleep(1);
					this.executions.computeIfAbsent(context.id(), (id) -> new AtomicInteger()).incrementAndGet();
				}).build();
		this.worker.start();
		this.pusher = new Thread(() -> push(client), "pusher");
		this.pusher.start();
	}

	private void push(QueueClient client) {
		int n = 0;
		while (this.pushing.get()) {
			try {
				String id = client.push(this.settings.name(), "work", n++).id();
				long now = System.nanoTime();
				this.confirmed.put(id, now);
				this.longestGap.accumulateAndGet(now - this.lastConfirmed.getAndSet(now), Math::max);
				if (now > this.failoverAt.get()) {
					this.confirmedAfter.incrementAndGet();
				}
			}
			catch (RedisUnavailableException ex) {
				this.unavailable.incrementAndGet();
				sleep(5);
			}
			catch (RuntimeException ex) {
				this.otherFailures.incrementAndGet();
				this.otherMessages.add(ex.toString());
				sleep(5);
			}
		}
	}

	/** Wait for {@code pushes} confirmed pushes, then note that the failover begins. */
	void failoverAfter(int pushes) {
		await().atMost(Duration.ofSeconds(30)).until(() -> this.confirmed.size() >= pushes);
		this.failoverAt.set(System.nanoTime());
	}

	/** Wait for {@code pushes} more confirmed pushes since the failover began. */
	void awaitConfirmedAfterFailover(int pushes) {
		await().atMost(Duration.ofSeconds(30)).until(() -> this.confirmedAfter.get() >= pushes);
	}

	/** Stop pushing (the worker goes on). */
	void stopPushing() throws InterruptedException {
		this.pushing.set(false);
		this.pusher.join();
	}

	/** Stop pushing, give the worker a bounded time for what was confirmed, and count. */
	Figures finish() throws InterruptedException {
		stopPushing();
		// what a failed master took and did not pass on is never consumed: wait for the rest, bounded
		try {
			await().atMost(Duration.ofSeconds(20))
				.until(() -> this.executions.keySet().containsAll(this.confirmed.keySet()));
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			// counted below
		}
		long lost = this.confirmed.keySet().stream().filter((id) -> !this.executions.containsKey(id)).count();
		if (lost > 0) {
			System.out.println("[diag] lost confirmed ms after the failover began: " + this.confirmed.entrySet()
				.stream()
				.filter((entry) -> !this.executions.containsKey(entry.getKey()))
				.map((entry) -> (entry.getValue() - this.failoverAt.get()) / 1_000_000)
				.sorted()
				.toList());
		}
		if (!this.otherMessages.isEmpty()) {
			System.out.println("[diag] push failures other than RedisUnavailableException: " + this.otherMessages);
		}
		long duplicated = this.executions.values().stream().mapToInt((count) -> count.get() - 1).sum();
		return new Figures(this.confirmed.size(), lost, duplicated, this.unavailable.get(), this.otherFailures.get(),
				this.longestGap.get() / 1_000_000);
	}

	@Override
	public void close() {
		this.pushing.set(false);
		this.worker.stop(Duration.ofSeconds(2));
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * What one failover left behind.
	 * @param confirmed pushes confirmed
	 * @param lost confirmed pushes never executed
	 * @param duplicated executions beyond one per job
	 * @param unavailable pushes that failed with {@link RedisUnavailableException}
	 * @param otherFailures pushes that failed with another type
	 * @param resumeMillis the longest time without a confirmed push
	 */
	record Figures(long confirmed, long lost, long duplicated, long unavailable, long otherFailures,
			long resumeMillis) {

		/** Pushes that failed, whatever the type. */
		long failed() {
			return this.unavailable + this.otherFailures;
		}

	}

}
