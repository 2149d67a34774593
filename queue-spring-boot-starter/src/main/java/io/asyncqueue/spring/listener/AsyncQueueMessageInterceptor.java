package io.asyncqueue.spring.listener;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.QueueTemplate;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;

/**
 * Turns a call of an {@link AsyncQueueMessage @AsyncQueueMessage} method into a push, unless the call is
 * the consumer's own, which proceeds to the method (and the rest of the proxy's advice).
 */
final class AsyncQueueMessageInterceptor implements MethodInterceptor {

	/** The method the consumer is calling on this thread, cleared as its call passes, so nested calls push. */
	private static final ThreadLocal<Method> consuming = new ThreadLocal<>();

	private final Map<Method, AsyncQueueMessageJob> jobs = new ConcurrentHashMap<>();

	private final Supplier<QueueTemplate> queueTemplate;

	AsyncQueueMessageInterceptor(Supplier<QueueTemplate> queueTemplate) {
		this.queueTemplate = queueTemplate;
	}

	void register(String beanName, AsyncQueueMessageJob job) {
		AsyncQueueMessageJob other = this.jobs.putIfAbsent(job.method(), job);
		if (other != null) {
			throw new AsyncQueueConfigurationException(null,
					job.metadata().source() + " (bean '" + beanName + "'): a second bean of "
							+ job.method().getDeclaringClass().getName() + " has it",
					"Keep one bean of a class with @AsyncQueueMessage methods: a call could not tell which bean's "
							+ "consumer should run it.");
		}
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Method method = (target != null)
				? AopUtils.getMostSpecificMethod(invocation.getMethod(), AopUtils.getTargetClass(target))
				: invocation.getMethod();
		AsyncQueueMessageJob job = this.jobs.get(method);
		if (job == null) {
			return invocation.proceed();
		}
		if (method.equals(consuming.get())) {
			consuming.remove();
			return invocation.proceed();
		}
		Object[] arguments = Arrays.copyOf(invocation.getArguments(), invocation.getArguments().length);
		QueueTemplate template = this.queueTemplate.get();
		if (job.returnsFuture()) {
			try {
				return template.pushAsync(job.metadata(), Arrays.asList(arguments), job.options(arguments))
					.thenApply((result) -> null);
			}
			catch (RuntimeException ex) {
				// as the README promises: a failed push completes the caller's future exceptionally
				return CompletableFuture.failedFuture(ex);
			}
		}
		template.push(job.metadata(), Arrays.asList(arguments), job.options(arguments));
		return null;
	}

	static @Nullable Object runAsConsumer(Method method, Call call) throws Exception {
		consuming.set(method);
		try {
			return call.run();
		}
		finally {
			consuming.remove();
		}
	}

	@FunctionalInterface
	interface Call {

		@Nullable Object run() throws Exception;

	}

}
