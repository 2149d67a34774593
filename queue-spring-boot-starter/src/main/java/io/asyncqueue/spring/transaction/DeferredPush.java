package io.asyncqueue.spring.transaction;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.asyncqueue.core.PushResult;

/**
 * Pushes that will be sent later.
 *
 * @param provisional one result per job, in order, with the id the job will have; whether a unique id
 * turns out to be a duplicate is only known from {@code completion}
 * @param completion completes with the real results once the jobs are in Redis, or exceptionally when
 * they never will be (the transaction rolled back, or Redis refused them)
 * @since 0.1.0
 */
public record DeferredPush(List<PushResult> provisional, CompletableFuture<List<PushResult>> completion) {

	public DeferredPush {
		provisional = List.copyOf(provisional);
	}

}
