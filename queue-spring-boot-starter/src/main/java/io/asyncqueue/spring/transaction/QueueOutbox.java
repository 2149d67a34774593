package io.asyncqueue.spring.transaction;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

import javax.sql.DataSource;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushRequest;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.spring.Job;
import io.asyncqueue.spring.JobMetadata;
import io.asyncqueue.spring.QueueTemplate;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Pushes that survive Redis being down at commit: each job is written to the {@value OutboxTable#NAME}
 * table in the caller's database transaction, so it exists exactly when the data it needs does, and the
 * {@link OutboxRelay} pushes it to Redis afterwards and deletes the row.
 *
 * <pre>{@code
 * @Transactional
 * public void placeOrder(Order order) {
 *     orders.save(order);
 *     queueOutbox.push(ShipOrderJob.class, new ShipOrder(order.id()));
 * }
 * }</pre>
 *
 * <p>A push must run inside a transaction on the outbox's {@link DataSource} (a {@code @Transactional}
 * method with the application's {@code DataSourceTransactionManager} or {@code JpaTransactionManager})
 * before it commits: anywhere else, an after-commit callback or event listener included, it fails,
 * since the job could not be committed with anything. The job's id (the row's
 * id, returned here) is chosen now, so a relay that pushed a row and crashed before deleting it pushes
 * the same job again, which lands once. Checks run now too: an undeclared queue or a payload that is
 * too large fails the call. Delays are counted from the push, by the application's clock.
 *
 * @since 0.1.0
 */
public class QueueOutbox {

	private final QueueTemplate template;

	private final PushChecks checks;

	private final DataSource dataSource;

	private final OutboxTable table;

	private final Runnable relayTrigger;

	/**
	 * An outbox over the given table's database.
	 * @param template gives each job class its name and queue
	 * @param serializer serializes payloads, as the queue's client does
	 * @param dataSource the database of the {@value OutboxTable#NAME} table, the one the application's
	 * transactions use
	 * @param relayTrigger asks the relay to run soon, called after a transaction with outbox pushes commits
	 */
	public QueueOutbox(QueueTemplate template, JobSerializer serializer, DataSource dataSource,
			Runnable relayTrigger) {
		this.template = template;
		this.checks = new PushChecks(template.getQueueClient().queues(), serializer);
		this.dataSource = dataSource;
		this.table = new OutboxTable(dataSource, 1);
		this.relayTrigger = relayTrigger;
	}

	/**
	 * Write a job due now to the outbox, in the current transaction.
	 * @param <T> the payload type
	 * @param job the job class
	 * @param payload the payload
	 * @return the job's id; {@code created} is {@code true} (a unique id's duplicate is known only in Redis)
	 * @throws IllegalStateException when no transaction on the outbox's DataSource is active
	 */
	public <T> PushResult push(Class<? extends Job<T>> job, @Nullable T payload) {
		return push(job, payload, PushOptions.now());
	}

	/**
	 * Write a job to the outbox, in the current transaction.
	 * @param <T> the payload type
	 * @param job the job class
	 * @param payload the payload
	 * @param options when and how
	 * @return the job's id
	 * @throws IllegalStateException when no transaction on the outbox's DataSource is active
	 */
	public <T> PushResult push(Class<? extends Job<T>> job, @Nullable T payload, PushOptions options) {
		return pushAll(job, Collections.singletonList(payload), (each) -> options).get(0);
	}

	/**
	 * Write several jobs of one class, due now, to the outbox, in the current transaction; they reach Redis
	 * in this order.
	 * @param <T> the payload type
	 * @param job the job class
	 * @param payloads the payloads
	 * @return one result per payload, in order
	 * @throws IllegalStateException when no transaction on the outbox's DataSource is active
	 */
	public <T> List<PushResult> pushAll(Class<? extends Job<T>> job, Collection<? extends @Nullable T> payloads) {
		return pushAll(job, payloads, (payload) -> PushOptions.now());
	}

	/**
	 * Write several jobs of one class to the outbox, in the current transaction; they reach Redis in this
	 * order.
	 * @param <T> the payload type
	 * @param job the job class
	 * @param payloads the payloads
	 * @param options the options of each payload
	 * @return one result per payload, in order
	 * @throws IllegalStateException when no transaction on the outbox's DataSource is active
	 */
	public <T> List<PushResult> pushAll(Class<? extends Job<T>> job, Collection<? extends @Nullable T> payloads,
			Function<? super T, PushOptions> options) {
		requireTransaction();
		JobMetadata metadata = this.template.metadata(job);
		List<PushRequest> requests = new ArrayList<>(payloads.size());
		for (T payload : payloads) {
			PushOptions given = options.apply(payload);
			if (given.priority() != PushOptions.MIN_PRIORITY) {
				// no column for it either; a priority the job declares (@QueueJob(priority)) is simply not applied
				throw new IllegalArgumentException("Job '" + metadata.name() + "' is pushed at priority "
						+ given.priority() + ", which the outbox does not carry: push it with QueueTemplate, which in a "
						+ "transaction pushes after the commit");
			}
			PushOptions chosen = metadata.options(payload, given);
			if (chosen.group() != null) {
				// the outbox's table has no column for it: relayed without it, the job would lose its group's order
				throw new IllegalArgumentException("Job '" + metadata.name() + "' is pushed in group '" + chosen.group()
						+ "', which the outbox does not carry: push it with QueueTemplate, which in a transaction "
						+ "pushes after the commit");
			}
			requests.add(new PushRequest(metadata.name(), payload,
					(chosen.jobId() != null) ? chosen : chosen.jobId(PushOptions.newJobId())));
		}
		this.checks.check(metadata.queue(), requests);
		long now = System.currentTimeMillis();
		List<OutboxTable.Row> rows = new ArrayList<>(requests.size());
		List<PushResult> results = new ArrayList<>(requests.size());
		for (PushRequest request : requests) {
			rows.add(row(metadata.queue(), request, now));
			results.add(new PushResult(request.options().jobId(), true));
		}
		OutboxRelayTrigger.register(this.relayTrigger);
		this.table.insert(rows);
		return results;
	}

	private OutboxTable.Row row(String queue, PushRequest request, long now) {
		PushOptions options = request.options();
		long dueAt = (options.at() != null) ? Math.max(options.at().toEpochMilli(), 1)
				: (options.delay().isZero() ? 0 : now + options.delay().toMillis());
		JobSerializer serializer = this.checks.serializer();
		String headers = options.headers().isEmpty() ? null : serializer.mapper().writeValueAsString(options.headers());
		return new OutboxTable.Row(options.jobId(), queue, request.jobName(),
				serializer.mapper().writeValueAsString(request.payload()), headers, options.uniqueId(), dueAt);
	}

	private void requireTransaction() {
		// synchronization is no longer active once the transaction completes (an after-commit event listener),
		// though its connection may still be bound: a row written then would not be part of the transaction
		if (!TransactionSynchronizationManager.isActualTransactionActive()
				|| !TransactionSynchronizationManager.isSynchronizationActive()
				|| TransactionSynchronizationManager.getResource(this.dataSource) == null) {
			throw new IllegalStateException("QueueOutbox needs a transaction on the outbox's DataSource ("
					+ this.dataSource + "), and none is active: push from a @Transactional method (or a "
					+ "TransactionTemplate) whose transaction manager uses that DataSource, or use "
					+ "QueueTemplate for a push outside a transaction");
		}
	}

}
