package io.asyncqueue.spring.transaction;

import java.util.List;

import io.asyncqueue.core.PushRequest;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether the pushes of a {@link io.asyncqueue.spring.QueueTemplate} go to Redis now or later,
 * for example once the current transaction has committed. Free of any transaction API, so that the
 * template loads without spring-tx on the classpath.
 *
 * @since 0.1.0
 * @see AfterCommitPushDeferral
 */
@FunctionalInterface
public interface PushDeferral {

	/**
	 * Take the pushes to send later, or leave them to be sent now.
	 * @param queue the queue
	 * @param requests the jobs, in order
	 * @return the deferred pushes, or {@code null} to push now
	 */
	@Nullable DeferredPush defer(String queue, List<PushRequest> requests);

}
