package io.asyncqueue.spring.listener;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as a job, an equal alternative to a {@link io.asyncqueue.spring.Job Job} class: the
 * method handles the jobs of its name pushed to its queue, with the same attributes, events, metrics and
 * tracing.
 *
 * <pre>{@code
 * @Component
 * class OrderListeners {
 *
 *     @QueueListener(queue = "orders")
 *     void on(CreateOrder order, JobContext context) {
 *         ...
 *     }
 *
 * }
 * }</pre>
 *
 * <p>The method takes the payload, optionally followed by the {@link io.asyncqueue.core.JobContext
 * JobContext}, and returns {@code void}; its first parameter's type, generics included, is the payload type.
 * Returning normally acknowledges the job; throwing fails the attempt (retried with backoff, then parked in
 * {@code failed}). The bean must be a singleton that is not lazy, so that its methods are known before the
 * consumers start. Push with {@link io.asyncqueue.spring.QueueTemplate#push(String, Object) QueueTemplate.push(name,
 * payload)} or, when this is the only job taking the payload's type,
 * {@link io.asyncqueue.spring.QueueTemplate#pushPayload(Object) pushPayload(payload)}.
 *
 * <p>String attributes may hold {@code ${...}} placeholders, resolved against the environment.
 *
 * @since 0.2.0
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface QueueListener {

	/**
	 * The queue(s) this job runs on, each declared under {@code async-queue.queues}; the first is where a push
	 * goes.
	 * @return the queue names
	 */
	String[] queue() default "default";

	/**
	 * The job's logical name, unique in the application, stored with every pushed job; empty for
	 * {@code SimpleClassName.methodName}, which survives a package move but not a rename.
	 * @return the name
	 */
	String name() default "";

	/**
	 * The most executions of one job, the first included; zero for the queue's {@code max-attempts}.
	 * @return the attempts
	 */
	int maxAttempts() default 0;

	/**
	 * The longest one execution may run before it is interrupted and counted as failed, such as
	 * {@code "30s"}; {@code "0"} for no limit, empty for the queue's {@code handle-timeout}.
	 * @return the timeout
	 */
	String handleTimeout() default "";

	/**
	 * The wait before each retry, such as {@code {"1s", "5s", "30s"}}, the last repeating; empty for the
	 * queue's backoff.
	 * @return the delays
	 */
	String[] retryBackoff() default {};

	/**
	 * The group of each pushed job, derived from its payload by a SpEL expression over {@code #payload}, such as
	 * {@code "#payload.customerId()"}: the jobs of one group run one at a time across every instance (or the
	 * queue's {@code group-concurrency}), in push order. Empty for none; a push whose {@code PushOptions} name a
	 * group keeps it.
	 * @return the expression
	 * @since 0.6.0
	 * @see io.asyncqueue.spring.QueueJob#group()
	 */
	String group() default "";

	/**
	 * The priority of each job pushed with {@code QueueTemplate}, from 1 to 1000 (higher runs first, see
	 * {@code PushOptions.withPriority(int)}); 0, the default, for none. A push whose {@code PushOptions} give a
	 * priority (or a group: a job in a group has no priority) keeps its own; recurring jobs and the outbox push
	 * without it. Not together with {@link #group()}.
	 * @return the priority
	 * @since 0.7.0
	 * @see io.asyncqueue.spring.QueueJob#priority()
	 */
	int priority() default 0;

}
