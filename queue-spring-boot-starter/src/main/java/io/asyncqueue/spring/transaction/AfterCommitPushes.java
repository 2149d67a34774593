package io.asyncqueue.spring.transaction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

import io.asyncqueue.core.PushRequest;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.QueueException;
import io.asyncqueue.spring.event.PushFailedAfterCommitEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The pushes held by one transaction, bound to it as a resource and sent from its synchronization.
 */
final class AfterCommitPushes implements TransactionSynchronization {

	private static final Log logger = LogFactory.getLog(AfterCommitPushes.class);

	private final Object key;

	private final QueueClient client;

	private final ApplicationEventPublisher eventPublisher;

	private final List<Pending> pending = new ArrayList<>();

	/** Whether the transaction committed and its pushes were sent; only its own thread reads it. */
	private boolean committed;

	AfterCommitPushes(Object key, QueueClient client, ApplicationEventPublisher eventPublisher) {
		this.key = key;
		this.client = client;
		this.eventPublisher = eventPublisher;
	}

	CompletableFuture<List<PushResult>> add(String queue, List<PushRequest> requests) {
		Pending pending = new Pending(queue, requests, new CompletableFuture<>());
		if (this.committed) {
			// made by another synchronization's afterCommit: the data is committed, the push goes now
			join(send(queue, List.of(pending)));
		}
		else {
			this.pending.add(pending);
		}
		return pending.completion();
	}

	// an inner REQUIRES_NEW transaction holds its own pushes, sent when it commits
	@Override
	public void suspend() {
		TransactionSynchronizationManager.unbindResource(this.key);
	}

	@Override
	public void resume() {
		TransactionSynchronizationManager.bindResource(this.key, this);
	}

	@Override
	public void afterCommit() {
		sendPending();
	}

	private void sendPending() {
		this.committed = true;
		Map<String, List<Pending>> byQueue = this.pending.stream()
			.collect(Collectors.groupingBy(Pending::queue, LinkedHashMap::new, Collectors.toList()));
		this.pending.clear();
		List<CompletableFuture<?>> sent = new ArrayList<>(byQueue.size());
		byQueue.forEach((queue, pushes) -> sent.add(send(queue, pushes)));
		// the committing thread returns once its jobs are in Redis (or known lost), as a plain push would
		join(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)));
	}

	private static void join(CompletableFuture<?> sent) {
		sent.exceptionally((failure) -> null).join();
	}

	private CompletableFuture<?> send(String queue, List<Pending> pushes) {
		List<PushRequest> requests = new ArrayList<>();
		pushes.forEach((push) -> requests.addAll(push.requests()));
		CompletableFuture<List<PushResult>> results;
		try {
			results = this.client.pushAllAsync(queue, requests);
		}
		catch (RuntimeException ex) {
			results = CompletableFuture.failedFuture(ex);
		}
		return results.whenComplete((all, failure) -> {
			if (failure != null) {
				lost(queue, pushes, requests, unwrap(failure));
				return;
			}
			int from = 0;
			for (Pending push : pushes) {
				int to = from + push.requests().size();
				push.completion().complete(List.copyOf(all.subList(from, to)));
				from = to;
			}
		});
	}

	private void lost(String queue, List<Pending> pushes, List<PushRequest> requests, Throwable cause) {
		List<String> jobIds = requests.stream().map((request) -> request.options().jobId()).toList();
		List<String> payloadTypes = requests.stream()
			.map((request) -> (request.payload() != null) ? request.payload().getClass().getName() : "null")
			.distinct()
			.toList();
		logger.error("The transaction committed but " + jobIds.size() + " job(s) it pushed to queue '" + queue
				+ "' were NOT pushed (job ids " + jobIds + ", payload types " + payloadTypes + "): " + cause.getMessage()
				+ " -- the data is committed and these jobs will not run unless pushed again "
				+ "(QueueOutbox keeps pushes that must survive Redis being down at commit)", cause);
		QueueException failure = new QueueException("The transaction committed but the push to queue '" + queue
				+ "' failed: " + cause.getMessage(), cause);
		pushes.forEach((push) -> push.completion().completeExceptionally(failure));
		List<String> jobNames = requests.stream().map(PushRequest::jobName).toList();
		this.eventPublisher.publishEvent(new PushFailedAfterCommitEvent(this, queue, jobIds, jobNames, cause));
	}

	@Override
	public void afterCompletion(int status) {
		TransactionSynchronizationManager.unbindResourceIfPossible(this.key);
		if (status == STATUS_COMMITTED) {
			if (!this.committed) {
				// registered during another synchronization's afterCommit, which Spring no longer calls ours for
				sendPending();
			}
			return;
		}
		List<String> jobIds = this.pending.stream()
			.flatMap((push) -> push.requests().stream())
			.map((request) -> request.options().jobId())
			.toList();
		String outcome = (status == STATUS_ROLLED_BACK) ? "rolled back" : "ended in an unknown state";
		if (status == STATUS_ROLLED_BACK) {
			if (logger.isDebugEnabled()) {
				logger.debug("Transaction rolled back: discarded the pushes of jobs " + jobIds);
			}
		}
		else {
			// the data may or may not be committed: a job must never run without it, so it is not pushed
			logger.error("Transaction ended in an unknown state: discarded the pushes of jobs " + jobIds
					+ " (their data may or may not be committed)");
		}
		QueueException discarded = new QueueException("Push discarded: the transaction " + outcome);
		this.pending.forEach((push) -> push.completion().completeExceptionally(discarded));
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private record Pending(String queue, List<PushRequest> requests, CompletableFuture<List<PushResult>> completion) {
	}

}
