package io.asyncqueue.spring.listener;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.spring.JobMetadata;
import io.asyncqueue.spring.QueueTemplate;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ReflectionUtils;

/**
 * Proxies the beans that have {@link AsyncQueueMessage @AsyncQueueMessage} methods, the way Spring's
 * {@code AsyncAnnotationBeanPostProcessor} does for {@code @Async}, so that a call of such a method pushes a
 * job; registers each method with the {@link QueueListenerRegistrar} so that the consumers of its queue run
 * it. Refuses at startup what the proxy could not intercept or what could not be returned.
 *
 * @since 0.2.0
 */
public class AsyncQueueMessageBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

	private final QueueListenerRegistrar registrar;

	private final UnaryOperator<String> placeholderResolver;

	private final Supplier<JobSerializer> serializer;

	private final AsyncQueueMessageInterceptor interceptor;

	private final SpelExpressionParser parser = new SpelExpressionParser();

	/**
	 * A post-processor.
	 * @param registrar where the methods' jobs go
	 * @param placeholderResolver resolves {@code ${...}} placeholders in the annotations' strings
	 * @param queueTemplate pushes the calls' jobs, asked for at the first call
	 * @param serializer reads the stored arguments, asked for at the first job
	 */
	public AsyncQueueMessageBeanPostProcessor(QueueListenerRegistrar registrar, UnaryOperator<String> placeholderResolver,
			Supplier<QueueTemplate> queueTemplate, Supplier<JobSerializer> serializer) {
		this.registrar = registrar;
		this.placeholderResolver = placeholderResolver;
		this.serializer = serializer;
		this.interceptor = new AsyncQueueMessageInterceptor(queueTemplate);
		this.advisor = new DefaultPointcutAdvisor(new AnnotationMatchingPointcut(null, AsyncQueueMessage.class, true),
				this.interceptor);
		// the push happens first, the rest of the proxy's advice (@Transactional ...) when the consumer runs it
		setBeforeExistingAdvisors(true);
		setProxyTargetClass(true);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> type = AopProxyUtils.ultimateTargetClass(bean);
		if (!AnnotationUtils.isCandidateClass(type, AsyncQueueMessage.class)) {
			return bean;
		}
		// the most specific declaration of each method, private, final and static ones included (to refuse them)
		Set<Method> methods = MethodIntrospector.selectMethods(type,
				(ReflectionUtils.MethodFilter) (method) -> AnnotatedElementUtils.hasAnnotation(method,
						AsyncQueueMessage.class));
		if (methods.isEmpty()) {
			return bean;
		}
		List<AsyncQueueMessageJob> jobs = new ArrayList<>();
		for (Method method : methods) {
			jobs.add(job(beanName, type, method));
		}
		Object proxy = super.postProcessAfterInitialization(bean, beanName);
		for (AsyncQueueMessageJob job : jobs) {
			job.invokeThrough(proxy);
			this.interceptor.register(beanName, job);
			this.registrar.register(new QueueListenerEndpoint(beanName, job.metadata(), job, false));
		}
		return proxy;
	}

	private AsyncQueueMessageJob job(String beanName, Class<?> type, Method method) {
		String source = "@AsyncQueueMessage on " + MethodInvoker.describe(type, method);
		checkInterceptable(beanName, source, type, method);
		AsyncQueueMessage annotation = AnnotatedElementUtils.findMergedAnnotation(method, AsyncQueueMessage.class);
		String defaultName = type.getSimpleName() + "." + method.getName() + "(" + Arrays
			.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.collect(Collectors.joining(",")) + ")";
		JobMetadata.Declaration declaration = new JobMetadata.Declaration(annotation.name(),
				new String[] { annotation.queue() }, annotation.maxAttempts(), annotation.handleTimeout(),
				annotation.retryBackoff());
		JobMetadata metadata = JobMetadata.of(type, source, defaultName, declaration, JsonNode.class,
				this.placeholderResolver);
		String delayValue = this.placeholderResolver.apply(annotation.delay()).trim();
		Duration delay = delayValue.isEmpty() ? null : JobMetadata.duration(delayValue, source, "delay");
		int priority = annotation.priority();
		if (priority < PushOptions.MIN_PRIORITY || priority > PushOptions.MAX_PRIORITY) {
			throw QueueListenerAnnotationBeanPostProcessor.invalid(beanName, source, "priority " + priority
					+ " is out of range", "Use a priority from " + PushOptions.MIN_PRIORITY + " (none) to "
					+ PushOptions.MAX_PRIORITY + "; higher runs first.");
		}
		if (priority != 0 && !annotation.group().isBlank()) {
			throw QueueListenerAnnotationBeanPostProcessor.invalid(beanName, source, "priority " + priority
					+ " and group '" + annotation.group() + "' are both set",
					"Remove one: a job in a group runs in its group's order and has no priority.");
		}
		return new AsyncQueueMessageJob(metadata, method, delay,
				expression(beanName, source, "uniqueId", annotation.uniqueId()),
				expression(beanName, source, "group", annotation.group()), priority, this.serializer);
	}

	private @Nullable Expression expression(String beanName, String source, String attribute, String expression) {
		if (expression.isBlank()) {
			return null;
		}
		try {
			return this.parser.parseExpression(expression);
		}
		catch (ParseException ex) {
			throw QueueListenerAnnotationBeanPostProcessor.invalid(beanName, source,
					attribute + " '" + expression + "' is not a SpEL expression: " + ex.getMessage(),
					"Name an argument, such as " + attribute
							+ " = \"#order.id()\" (by parameter name) or \"#p0\" (by position).");
		}
	}

	private static void checkInterceptable(String beanName, String source, Class<?> type, Method method) {
		int modifiers = method.getModifiers();
		String fix = "Make it a public (or protected, package-private) instance method that is not final, and call it "
				+ "on the bean from another bean.";
		if (Modifier.isFinal(type.getModifiers())) {
			throw QueueListenerAnnotationBeanPostProcessor.invalid(beanName, source,
					"class " + type.getName() + " is final, so no proxy can intercept the call",
					"Remove final from class " + type.getSimpleName() + " (a record or enum cannot hold one).");
		}
		if (Modifier.isPrivate(modifiers) || Modifier.isFinal(modifiers) || Modifier.isStatic(modifiers)) {
			String kind = Modifier.isPrivate(modifiers) ? "private" : Modifier.isFinal(modifiers) ? "final" : "static";
			throw QueueListenerAnnotationBeanPostProcessor.invalid(beanName, source,
					"it is " + kind + ", so the proxy cannot intercept its calls and they would run at once", fix);
		}
		ResolvableType returned = ResolvableType.forMethodReturnType(method, type);
		boolean future = returned.toClass() == CompletableFuture.class && returned.getGeneric(0).toClass() == Void.class;
		if (method.getReturnType() != void.class && !future) {
			throw QueueListenerAnnotationBeanPostProcessor.invalid(beanName, source,
					"it returns " + method.getGenericReturnType().getTypeName()
							+ ", but a call returns before the method runs",
					"Return void, or CompletableFuture<Void> to learn when the job is in Redis.");
		}
	}

}
