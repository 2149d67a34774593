package io.asyncqueue.spring.listener;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.JobHandler;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.Job;
import io.asyncqueue.spring.JobMetadata;
import io.asyncqueue.spring.QueueJob;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * Finds the {@link QueueListener @QueueListener} methods of every bean as it is created, checks their
 * signatures and registers them with the {@link QueueListenerRegistrar} (the way spring-kafka's
 * {@code KafkaListenerAnnotationBeanPostProcessor} does); also registers {@link QueueJob @QueueJob} beans, so
 * that pushes by job name and payload type know them. Registered by the auto-configuration as an
 * infrastructure bean: no component scanning.
 *
 * @since 0.2.0
 */
public class QueueListenerAnnotationBeanPostProcessor implements BeanPostProcessor, Ordered {

	private final QueueListenerRegistrar registrar;

	private final UnaryOperator<String> placeholderResolver;

	private final Set<Class<?>> withoutListeners = ConcurrentHashMap.newKeySet();

	/**
	 * A post-processor.
	 * @param registrar where the listeners go
	 * @param placeholderResolver resolves {@code ${...}} placeholders in the annotations' strings
	 */
	public QueueListenerAnnotationBeanPostProcessor(QueueListenerRegistrar registrar,
			UnaryOperator<String> placeholderResolver) {
		this.registrar = registrar;
		this.placeholderResolver = placeholderResolver;
	}

	@Override
	public int getOrder() {
		// after the proxies are made, so that a listener is invoked through them (@Transactional applies)
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> type = AopProxyUtils.ultimateTargetClass(bean);
		if (this.withoutListeners.contains(type)) {
			return bean;
		}
		if (bean instanceof Job<?> && AnnotatedElementUtils.hasAnnotation(type, QueueJob.class)) {
			this.registrar.registerJob(JobMetadata.of(type, this.placeholderResolver));
		}
		Map<Method, QueueListener> methods = AnnotationUtils.isCandidateClass(type, QueueListener.class)
				? MethodIntrospector.selectMethods(type, (MethodIntrospector.MetadataLookup<QueueListener>) (
						method) -> AnnotatedElementUtils.findMergedAnnotation(method, QueueListener.class))
				: Map.of();
		if (methods.isEmpty()) {
			this.withoutListeners.add(type);
			return bean;
		}
		methods.forEach((method, annotation) -> this.registrar.register(endpoint(bean, beanName, type, method, annotation)));
		return bean;
	}

	private QueueListenerEndpoint endpoint(Object bean, String beanName, Class<?> type, Method method,
			QueueListener annotation) {
		String source = "@QueueListener on " + MethodInvoker.describe(type, method);
		checkSignature(beanName, source, method);
		Type payloadType;
		ResolvableType parameter = ResolvableType.forMethodParameter(method, 0, type);
		try {
			payloadType = JobMetadata.typeOf(parameter);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(beanName, source, "its payload type " + parameter + " has an unresolved type variable",
					"Declare the payload parameter with a concrete type, such as List<OrderLine>.");
		}
		JobMetadata.Declaration declaration = new JobMetadata.Declaration(annotation.name(), annotation.queue(),
				annotation.maxAttempts(), annotation.handleTimeout(), annotation.retryBackoff());
		JobMetadata metadata = JobMetadata.of(type, source, type.getSimpleName() + "." + method.getName(), declaration,
				payloadType, this.placeholderResolver)
			.withGroup(annotation.group(), this.placeholderResolver)
			.withPriority(annotation.priority());
		MethodInvoker invoker = new MethodInvoker(bean, method);
		boolean withContext = method.getParameterCount() == 2;
		JobHandler<Object> handler = withContext ? (payload, context) -> invoker.invoke(payload, context)
				: (payload, context) -> invoker.invoke(payload);
		return new QueueListenerEndpoint(beanName, metadata, handler, true);
	}

	private static void checkSignature(String beanName, String source, Method method) {
		Class<?>[] parameters = method.getParameterTypes();
		String expected = "Declare it as void " + method.getName() + "(Payload payload) or void " + method.getName()
				+ "(Payload payload, JobContext context).";
		if (parameters.length == 0 || parameters.length > 2 || parameters[0] == JobContext.class
				|| (parameters.length == 2 && parameters[1] != JobContext.class)) {
			throw invalid(beanName, source, "a listener takes the payload, then optionally the JobContext", expected);
		}
		if (method.getReturnType() != void.class) {
			throw invalid(beanName, source,
					"it returns " + method.getGenericReturnType().getTypeName() + ", which nothing would read",
					expected + " A return ends the job successfully; a throw fails the attempt.");
		}
		if (Modifier.isStatic(method.getModifiers()) || Modifier.isPrivate(method.getModifiers())) {
			throw invalid(beanName, source, "it is " + (Modifier.isStatic(method.getModifiers()) ? "static" : "private"),
					"Make it a public or package-private instance method, so that it runs on the bean (and its proxy).");
		}
	}

	static AsyncQueueConfigurationException invalid(String beanName, String source, String problem, String action) {
		return new AsyncQueueConfigurationException(null, source + " (bean '" + beanName + "'): " + problem, action);
	}

}
