package io.asyncqueue.test;

import java.lang.annotation.Annotation;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * What the Cluster and Sentinel extensions share: one set-up per annotated test class, started before the
 * test instance is made and closed (JUnit closes what its store holds) after the class; parameters of the
 * set-up's type resolved to it; system properties for Spring Boot set while the class runs, then restored.
 * {@code @Nested} classes use their enclosing class's set-up.
 *
 * @param <A> the annotation
 * @param <S> the set-up; closed after the class when it is {@link AutoCloseable}
 */
abstract class ClassScopedSetupExtension<A extends Annotation, S>
		implements ParameterResolver, BeforeAllCallback, AfterAllCallback, TestInstancePreConstructCallback {

	private final Class<A> annotationType;

	private final Class<S> setupType;

	private final ExtensionContext.Namespace namespace;

	ClassScopedSetupExtension(Class<A> annotationType, Class<S> setupType) {
		this.annotationType = annotationType;
		this.setupType = setupType;
		this.namespace = ExtensionContext.Namespace.create(getClass());
	}

	/** Start the set-up the annotation describes. */
	abstract S start(A settings);

	/** The system properties that point Spring Boot at the set-up. */
	abstract Map<String, String> springProperties(S setup);

	@Override
	public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
		prepare(context);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		prepare(context);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		@SuppressWarnings("unchecked")
		Map<String, String> previous = context.getStore(this.namespace).remove(propertiesKey(context), Map.class);
		restore(previous);
	}

	/**
	 * Put system properties back as they were.
	 * @param previous each property's earlier value, {@code null} for none; or {@code null} for nothing to do
	 */
	static void restore(Map<String, String> previous) {
		if (previous != null) {
			previous.forEach((name, value) -> {
				if (value == null) {
					System.clearProperty(name);
				}
				else {
					System.setProperty(name, value);
				}
			});
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == this.setupType;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return setup(extensionContext);
	}

	private void prepare(ExtensionContext context) {
		S setup = setup(context);
		ExtensionContext classContext = annotatedClassContext(context);
		classContext.getStore(this.namespace).computeIfAbsent(propertiesKey(classContext), (key) -> {
			Map<String, String> properties = springProperties(setup);
			Map<String, String> previous = new HashMap<>();
			properties.forEach((name, value) -> {
				previous.put(name, System.getProperty(name));
				System.setProperty(name, value);
			});
			return previous;
		}, Map.class);
	}

	private S setup(ExtensionContext context) {
		ExtensionContext owner = annotatedClassContext(context);
		A settings = AnnotationSupport.findAnnotation(owner.getRequiredTestClass(), this.annotationType).orElseThrow();
		// keyed by the owner's id: a store lookup also finds values of enclosing contexts
		return owner.getStore(this.namespace)
			.computeIfAbsent("setup:" + owner.getUniqueId(), (key) -> start(settings), this.setupType);
	}

	/** The nearest class context, this one included, whose class carries the annotation. */
	private ExtensionContext annotatedClassContext(ExtensionContext context) {
		for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
			if (c.getElement().orElse(null) instanceof Class<?> type
					&& AnnotationSupport.findAnnotation(type, this.annotationType).isPresent()) {
				return c;
			}
		}
		throw new IllegalStateException("@" + this.annotationType.getSimpleName() + " needs an annotated test class: "
				+ context);
	}

	private static String propertiesKey(ExtensionContext classContext) {
		return "system-properties:" + classContext.getUniqueId();
	}

}
