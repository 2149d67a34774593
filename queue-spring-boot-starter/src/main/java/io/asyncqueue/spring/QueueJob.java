package io.asyncqueue.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.stereotype.Component;

/**
 * Marks a {@link Job} class as a job: a component (picked up by the application's own component
 * scanning) whose instance runs the jobs of its name pushed to its queue.
 *
 * <p>The {@link #name() name} is stored with every pushed job and routes it to this class; it defaults
 * to the class's simple name, which survives a package move but not a rename. Set it explicitly once
 * jobs of this class may be waiting in Redis while you refactor.
 *
 * <p>String attributes may hold {@code ${...}} placeholders, resolved against the environment.
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface QueueJob {

	/**
	 * The queue(s) this job runs on, each declared under {@code async-queue.queues}. The first is where
	 * {@link QueueTemplate} pushes it; list more to let the consumers of those queues run it too (then
	 * push there with {@link QueueTemplate#onQueue(String)}).
	 * @return the queue names
	 */
	String[] queue() default "default";

	/**
	 * The job's logical name, unique in the application; empty for the class's simple name.
	 * @return the name
	 */
	String name() default "";

	/**
	 * The most executions of one job, the first included; zero for the queue's
	 * {@code max-attempts}.
	 * @return the attempts
	 */
	int maxAttempts() default 0;

	/**
	 * The longest one execution may run before it is interrupted and counted as failed, as a duration
	 * such as {@code "30s"}; {@code "0"} for no limit, empty for the queue's {@code handle-timeout}.
	 * @return the timeout
	 */
	String handleTimeout() default "";

	/**
	 * The wait before each retry, as durations such as {@code {"1s", "5s", "30s"}}: the first after the
	 * first failure and so on, the last repeating; empty for the queue's backoff.
	 * @return the delays
	 */
	String[] retryBackoff() default {};

	/**
	 * The group of each pushed job, derived from its payload by a SpEL expression over {@code #payload}, such as
	 * {@code "#payload.customerId"}: the jobs of one group run one at a time across every instance (or the queue's
	 * {@code group-concurrency}), in push order. Empty for none; a push whose {@code PushOptions} name a group
	 * keeps it.
	 * @return the expression
	 * @since 0.6.0
	 * @see io.asyncqueue.core.PushOptions#withGroup(String)
	 */
	String group() default "";

	/**
	 * The priority of each job pushed with {@code QueueTemplate}, from 1 to 1000 (higher runs first, see
	 * {@code PushOptions.withPriority(int)}); 0, the default, for none. A push whose {@code PushOptions} give a
	 * priority (or a group: a job in a group has no priority) keeps its own; recurring jobs and the outbox push
	 * without it. Not together with {@link #group()}.
	 * @return the priority
	 * @since 0.7.0
	 */
	int priority() default 0;

}
