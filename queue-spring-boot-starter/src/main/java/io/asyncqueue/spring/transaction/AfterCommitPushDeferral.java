package io.asyncqueue.spring.transaction;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushRequest;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.QueueClient;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Holds the pushes made while a Spring transaction synchronization is active (inside a
 * {@code @Transactional} method or a {@code TransactionTemplate}) until the transaction commits, and
 * discards them when it rolls back, so that a job never runs before the data it needs is committed.
 * Outside a transaction, pushes go at once.
 *
 * <p>Each deferred job gets its id now (its {@link PushOptions#jobId(String) job id}, made here unless
 * the caller chose one), and the push is checked now: an undeclared queue or a payload that is too large
 * fails the call, not the commit. After commit, the transaction's pushes go to Redis in the order they
 * were made, one {@code pushAll} per queue, before the committing thread returns. A push that fails then
 * (Redis down) cannot be undone with the data: it is logged with its job ids, published as a
 * {@link io.asyncqueue.spring.event.PushFailedAfterCommitEvent} and counted; callers that cannot lose
 * such a push write it to the {@link QueueOutbox} instead.
 *
 * @since 0.1.0
 */
public class AfterCommitPushDeferral implements PushDeferral {

	private final QueueClient client;

	private final PushChecks checks;

	private final ApplicationEventPublisher eventPublisher;

	/**
	 * A deferral that pushes with the given client.
	 * @param client the client
	 * @param serializer the serializer the client uses, to check payloads at the call
	 * @param eventPublisher where a push that fails after commit is published
	 */
	public AfterCommitPushDeferral(QueueClient client, JobSerializer serializer,
			ApplicationEventPublisher eventPublisher) {
		this.client = client;
		this.checks = new PushChecks(client.queues(), serializer);
		this.eventPublisher = eventPublisher;
	}

	@Override
	public @Nullable DeferredPush defer(String queue, List<PushRequest> requests) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			return null;
		}
		for (PushRequest request : requests) {
			if (request.options().guard() != null) {
				// the caller needs the guard's answer now, and the job must not run before the commit: both
				// cannot hold, so say so rather than break either promise quietly
				throw new IllegalStateException("A guarded push to queue '" + queue + "' was made inside a "
						+ "transaction: its guard must answer now, but pushes in a transaction wait for the commit. "
						+ "Push it before the transaction starts or after it commits, or set "
						+ "async-queue.transaction-mode=immediate");
			}
		}
		List<PushRequest> identified = new ArrayList<>(requests.size());
		List<PushResult> provisional = new ArrayList<>(requests.size());
		for (PushRequest request : requests) {
			PushOptions options = request.options();
			if (options.jobId() == null) {
				options = options.jobId(PushOptions.newJobId());
			}
			identified.add(new PushRequest(request.jobName(), request.payload(), options));
			provisional.add(new PushResult(options.jobId(), true));
		}
		this.checks.check(queue, identified);
		CompletableFuture<List<PushResult>> completion = pushes().add(queue, identified);
		return new DeferredPush(provisional, completion);
	}

	private AfterCommitPushes pushes() {
		AfterCommitPushes pushes = (AfterCommitPushes) TransactionSynchronizationManager.getResource(this);
		if (pushes == null) {
			pushes = new AfterCommitPushes(this, this.client, this.eventPublisher);
			TransactionSynchronizationManager.bindResource(this, pushes);
			TransactionSynchronizationManager.registerSynchronization(pushes);
		}
		return pushes;
	}

}
