package io.asyncqueue.spring.listener;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Turns calls of a bean method into jobs, as Hyperf's {@code #[AsyncQueueMessage]} does: a call through the
 * bean's proxy pushes a job carrying the arguments and returns once Redis has it; a consumer of the queue
 * later invokes the method with those arguments.
 *
 * <pre>{@code
 * @Service
 * class Receipts {
 *
 *     @AsyncQueueMessage(queue = "mail", uniqueId = "#order.id()")
 *     public void send(Order order, List<String> recipients) {
 *         ...
 *     }
 *
 * }
 * }</pre>
 *
 * <p>The arguments are stored as a JSON array, each read back into its parameter's declared type, generics
 * included. The method returns {@code void}, or {@code CompletableFuture<Void>}: then the caller's future
 * completes once the job is in Redis (exceptionally if the push failed), not once the method has run, and
 * the consumer waits for the future the method returns. Anything else is refused at startup, as are
 * {@code private}, {@code final} and {@code static} methods and {@code final} classes, which the proxy cannot
 * intercept.
 *
 * <p>As with Spring's {@code @Async}, only calls through the proxy are intercepted: a call from another
 * method of the same object ({@code this.send(...)}, self-invocation) runs the method at once, in the
 * caller's thread. Inject the bean into another one to push. Inside a Spring transaction the push waits for
 * the commit, as every {@link io.asyncqueue.spring.QueueTemplate QueueTemplate} push does. The consumer runs
 * the method through the proxy too, so its other advice ({@code @Transactional} ...) applies there.
 *
 * <p>The default {@link #name() name} is {@code SimpleClassName.method(ParamType,...)}: a job pushed before
 * the method's parameters change keeps the old name, which no consumer knows any more, and is parked in
 * {@code failed} with that reason. With an explicit name, a job whose arguments no longer fit the new
 * parameters is parked in {@code failed} with the reason too; neither is retried.
 *
 * <p>String attributes may hold {@code ${...}} placeholders, resolved against the environment.
 *
 * @since 0.2.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface AsyncQueueMessage {

	/**
	 * The queue the jobs go to and whose consumers run them, declared under {@code async-queue.queues}.
	 * @return the queue name
	 */
	String queue() default "default";

	/**
	 * The job's logical name, unique in the application; empty for
	 * {@code SimpleClassName.method(ParamType,...)}.
	 * @return the name
	 */
	String name() default "";

	/**
	 * How long after the call the job is due, such as {@code "10s"}; empty for at once.
	 * @return the delay
	 */
	String delay() default "";

	/**
	 * The job's priority, from 0 (none) to 1000: higher runs first, see {@code PushOptions.priority(int)}.
	 * @return the priority
	 * @since 0.5.0
	 */
	int priority() default 0;

	/**
	 * A SpEL expression over the arguments giving the job's unique id, such as {@code "#order.id()"} (by
	 * parameter name) or {@code "#p0"} (by position); a second call with the same id while the first job
	 * exists pushes nothing. Empty for no unique id.
	 * @return the expression
	 */
	String uniqueId() default "";

	/**
	 * A SpEL expression over the arguments giving the job's group, such as {@code "#order.customerId()"}: the
	 * jobs of one group run one at a time across every instance, in call order, see
	 * {@code PushOptions.withGroup(String)}. Empty for none; a job in a group has no {@link #priority()}.
	 * @return the expression
	 * @since 0.6.0
	 */
	String group() default "";

	/**
	 * The most executions of one job, the first included; zero for the queue's {@code max-attempts}.
	 * @return the attempts
	 */
	int maxAttempts() default 0;

	/**
	 * The longest one execution may run before it is interrupted and counted as failed, such as
	 * {@code "30s"}; empty for the queue's {@code handle-timeout}.
	 * @return the timeout
	 */
	String handleTimeout() default "";

	/**
	 * The wait before each retry, such as {@code {"1s", "5s", "30s"}}; empty for the queue's backoff.
	 * @return the delays
	 */
	String[] retryBackoff() default {};

}
