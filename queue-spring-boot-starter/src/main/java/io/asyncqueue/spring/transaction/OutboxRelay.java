package io.asyncqueue.spring.transaction;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushRequest;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.redis.RedisConnector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.util.RawValue;

import org.springframework.context.SmartLifecycle;

/**
 * Pushes the jobs of the {@value OutboxTable#NAME} table to Redis and deletes their rows, in the
 * instance that holds a short Redis lease: right after a transaction that wrote to the outbox commits,
 * and every {@code interval} (to catch up after a crash, or when another instance held the lease).
 * Rows go in the order they were written, in batches, one {@code pushAll} per queue.
 *
 * <p>Each job is pushed with the row's id as its {@link PushOptions#jobId(String) job id}, and the row
 * is marked in Redis as pushed until it is deleted. A relay that dies (or whose database fails) after a
 * push and before deleting the rows leaves them behind: the next round finds their marks and deletes them
 * without pushing; and a job still in the queue lands only once even without its mark. The one remaining
 * gap is a relay dying between a push's reply and the marks (one round trip): if the job has also already
 * finished before the next round, it runs a second time.
 *
 * <p>A row that cannot be pushed (an undeclared queue, Redis down) stays in the table and is tried again
 * every round; the failure is logged when it starts and when it ends.
 *
 * @since 0.1.0
 */
public class OutboxRelay implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(OutboxRelay.class);

	private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
	};

	private final OutboxTable table;

	private final QueueClient client;

	private final JobSerializer serializer;

	private final RelayLease lease;

	private final RelayMarkers markers;

	private final Duration interval;

	private final int batchSize;

	private final ReentrantLock rounds = new ReentrantLock();

	private final ReentrantLock lifecycle = new ReentrantLock();

	private final AtomicBoolean triggered = new AtomicBoolean();

	private final AtomicLong relayed = new AtomicLong();

	private volatile boolean failing;

	private @Nullable ScheduledExecutorService executor;

	/**
	 * A relay.
	 * @param dataSource the database of the outbox table
	 * @param client pushes the jobs
	 * @param serializer the client's serializer, whose mapper wrote the payloads
	 * @param redis holds the lease and the marks
	 * @param keyPrefix the prefix of the lease's and the marks' Redis keys; one per outbox table
	 * @param interval how often the relay runs without being asked
	 * @param batchSize the most rows read and pushed at once
	 * @param leaseDuration how long the lease outlives its holder's last round
	 */
	public OutboxRelay(DataSource dataSource, QueueClient client, JobSerializer serializer, RedisConnector redis,
			String keyPrefix, Duration interval, int batchSize, Duration leaseDuration) {
		this.table = new OutboxTable(dataSource, batchSize);
		this.client = client;
		this.serializer = serializer;
		// one hash slot for all of them, so that the marks of a batch are read and deleted in one command
		String keys = "{" + keyPrefix + "}:";
		this.lease = new RelayLease(redis, keys + "relay-lease", leaseDuration);
		this.markers = new RelayMarkers(redis, keys + "pushed:");
		this.interval = interval;
		this.batchSize = batchSize;
	}

	/**
	 * Ask for a round soon, on the relay's thread; rounds asked for while one waits are one.
	 */
	public void trigger() {
		ScheduledExecutorService executor = this.executor;
		if (executor != null && this.triggered.compareAndSet(false, true)) {
			try {
				executor.execute(() -> {
					this.triggered.set(false);
					runQuietly();
				});
			}
			catch (RuntimeException ex) {
				this.triggered.set(false);
			}
		}
	}

	/**
	 * Relay now, on the caller's thread, if this instance holds or can take the lease.
	 * @return how many rows were relayed (pushed, or found already pushed, and deleted)
	 * @throws RuntimeException when Redis or the database fail
	 */
	public int relay() {
		this.rounds.lock();
		try {
			int total = 0;
			while (this.lease.acquire()) {
				List<OutboxTable.Row> rows = this.table.oldest();
				int done = relay(rows);
				total += done;
				// counted per batch, so that the figure follows the rows as they go
				this.relayed.addAndGet(done);
				if (done < rows.size() || rows.size() < this.batchSize) {
					break;
				}
			}
			return total;
		}
		finally {
			this.rounds.unlock();
		}
	}

	/** How many rows this relay has relayed since it was made. */
	public long getRelayedCount() {
		return this.relayed.get();
	}

	private int relay(List<OutboxTable.Row> rows) {
		if (rows.isEmpty()) {
			return 0;
		}
		Set<String> marked = this.markers.pushed(rows.stream().map(OutboxTable.Row::id).toList());
		List<String> done = new ArrayList<>(marked);
		Map<String, List<OutboxTable.Row>> byQueue = new LinkedHashMap<>();
		for (OutboxTable.Row row : rows) {
			if (!marked.contains(row.id())) {
				byQueue.computeIfAbsent(row.queue(), (queue) -> new ArrayList<>()).add(row);
			}
		}
		byQueue.forEach((queue, queueRows) -> {
			List<String> ids = queueRows.stream().map(OutboxTable.Row::id).toList();
			try {
				this.client.pushAll(queue, queueRows.stream().map(this::request).toList());
			}
			catch (RuntimeException ex) {
				logger.warn("Outbox relay could not push " + ids.size() + " job(s) to queue '" + queue + "': "
						+ ex.getMessage() + "; their rows stay in " + OutboxTable.NAME + " and are tried again");
				return;
			}
			this.markers.mark(ids);
			done.addAll(ids);
		});
		this.table.delete(done);
		this.markers.clear(done);
		return done.size();
	}

	private PushRequest request(OutboxTable.Row row) {
		PushOptions options = PushOptions.now().jobId(row.id());
		if (row.dueAt() > 0) {
			options = options.withAt(Instant.ofEpochMilli(row.dueAt()));
		}
		if (row.uniqueId() != null) {
			options = options.uniqueId(row.uniqueId());
		}
		if (row.headers() != null) {
			for (Map.Entry<String, String> header : this.serializer.mapper().readValue(row.headers(), HEADERS).entrySet()) {
				options = options.header(header.getKey(), header.getValue());
			}
		}
		// the payload was written by the same mapper: pushed as it is, not read into a tree first
		return new PushRequest(row.jobName(), new RawValue(row.payload()), options);
	}

	private void runQuietly() {
		try {
			relay();
			if (this.failing) {
				this.failing = false;
				logger.info("Outbox relay works again");
			}
		}
		catch (RuntimeException ex) {
			if (!this.failing) {
				this.failing = true;
				logger.warn("Outbox relay failed, retrying every " + this.interval + " until it works: " + ex, ex);
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Outbox relay failed again: " + ex);
			}
		}
	}

	@Override
	public void start() {
		this.lifecycle.lock();
		try {
			if (this.executor == null) {
				ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
					Thread thread = new Thread(task, "async-queue-outbox-relay");
					thread.setDaemon(true);
					return thread;
				});
				executor.scheduleWithFixedDelay(this::runQuietly, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
				this.executor = executor;
			}
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	/**
	 * Stop relaying: a round under way finishes, and the lease is given up so that another instance
	 * takes over at once.
	 */
	@Override
	public void stop() {
		this.lifecycle.lock();
		try {
			ScheduledExecutorService executor = this.executor;
			this.executor = null;
			if (executor != null) {
				// stopping between a push and its row's deletion would only cost a retry, but there is no need
				executor.shutdown();
				try {
					if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
						executor.shutdownNow();
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			try {
				this.lease.release();
			}
			catch (RuntimeException ex) {
				logger.debug("Outbox relay could not give up its lease, which expires on its own: " + ex);
			}
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

}
