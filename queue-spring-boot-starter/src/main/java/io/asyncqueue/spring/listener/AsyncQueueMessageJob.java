package io.asyncqueue.spring.listener;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.JobHandler;
import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.UnreadableJobException;
import io.asyncqueue.spring.JobMetadata;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;

/**
 * One {@link AsyncQueueMessage @AsyncQueueMessage} method as a job: the push options of a call, and the
 * consumer's side, which reads the stored arguments back into the parameters' types and calls the method.
 */
final class AsyncQueueMessageJob implements JobHandler<JsonNode> {

	private static final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final JobMetadata metadata;

	private final Method method;

	private final Type[] parameterTypes;

	private final @Nullable Duration delay;

	private final @Nullable Expression uniqueId;

	private final @Nullable Expression group;

	private final int priority;

	private final Supplier<JobSerializer> serializer;

	private @Nullable MethodInvoker invoker;

	AsyncQueueMessageJob(JobMetadata metadata, Method method, @Nullable Duration delay, @Nullable Expression uniqueId,
			@Nullable Expression group, int priority, Supplier<JobSerializer> serializer) {
		this.group = group;
		this.priority = priority;
		this.metadata = metadata;
		this.method = method;
		this.parameterTypes = method.getGenericParameterTypes();
		this.delay = delay;
		this.uniqueId = uniqueId;
		this.serializer = serializer;
	}

	/** Call the method through this bean (its proxy) when a job runs. */
	void invokeThrough(Object bean) {
		this.invoker = new MethodInvoker(bean, this.method);
	}

	JobMetadata metadata() {
		return this.metadata;
	}

	Method method() {
		return this.method;
	}

	boolean returnsFuture() {
		return this.method.getReturnType() == CompletableFuture.class;
	}

	PushOptions options(@Nullable Object[] arguments) {
		PushOptions options = (this.delay != null) ? PushOptions.delay(this.delay) : PushOptions.now();
		if (this.priority != 0) {
			options = options.withPriority(this.priority);
		}
		if (this.uniqueId != null) {
			options = options.uniqueId(evaluate(this.uniqueId, "uniqueId", arguments));
		}
		if (this.group != null) {
			options = options.withGroup(evaluate(this.group, "group", arguments));
		}
		return options;
	}

	private String evaluate(Expression expression, String attribute, @Nullable Object[] arguments) {
		Object value = expression.getValue(
				new MethodBasedEvaluationContext(Arrays.asList(arguments), this.method, arguments, parameterNames));
		if (value == null) {
			throw new IllegalArgumentException(this.metadata.source() + ": " + attribute + " expression '"
					+ expression.getExpressionString() + "' gave null for the arguments " + Arrays.toString(arguments));
		}
		return value.toString();
	}

	@Override
	public void handle(JsonNode stored, JobContext context) throws Exception {
		Object[] arguments = arguments(stored);
		MethodInvoker invoker = this.invoker;
		if (invoker == null) {
			throw new IllegalStateException(this.metadata.source() + " has no bean to run on");
		}
		Object result = AsyncQueueMessageInterceptor.runAsConsumer(this.method, () -> invoker.invoke(arguments));
		if (result instanceof CompletableFuture<?> future) {
			try {
				future.get();
			}
			catch (ExecutionException ex) {
				throw (ex.getCause() instanceof Exception cause) ? cause : ex;
			}
		}
	}

	private Object[] arguments(JsonNode stored) {
		if (!stored.isArray() || stored.size() != this.parameterTypes.length) {
			throw new UnreadableJobException("the stored arguments " + abbreviate(stored) + " do not fit "
					+ this.metadata.source() + ": it takes " + this.parameterTypes.length + " argument(s)", null);
		}
		JobSerializer serializer = this.serializer.get();
		Object[] arguments = new Object[this.parameterTypes.length];
		for (int i = 0; i < arguments.length; i++) {
			try {
				arguments[i] = serializer.convert(stored.get(i), this.parameterTypes[i]);
			}
			catch (UnreadableJobException ex) {
				throw new UnreadableJobException(
						"argument " + i + " does not fit " + this.metadata.source() + ": " + ex.getMessage(), ex);
			}
		}
		return arguments;
	}

	private static String abbreviate(JsonNode node) {
		String json = node.toString();
		return (json.length() <= 200) ? json : json.substring(0, 200) + "...";
	}

}
