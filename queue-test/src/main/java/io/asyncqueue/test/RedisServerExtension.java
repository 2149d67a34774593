package io.asyncqueue.test;

import java.lang.reflect.AnnotatedElement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link EmbeddedRedis @EmbeddedRedis}; it can also be registered directly
 * with {@code @ExtendWith(RedisServerExtension.class)}, which behaves like {@code @EmbeddedRedis} with its
 * defaults.
 *
 * <ul>
 *   <li><b>Shared server</b> (default): one {@link RedisServer} per test JVM, started lazily, kept in the
 *       root {@link ExtensionContext.Store} so JUnit closes it when the test run ends. The same instance is
 *       returned by {@link #sharedServer()}. It is not flushed between tests.</li>
 *   <li><b>Isolated server</b> ({@code isolated}, {@code appendOnly}, {@code tls} or {@code mutualTls}): one server per test
 *       class, kept in that class's store and closed after its last test. {@code @Nested} classes without
 *       an annotation of their own use their enclosing class's server.</li>
 *   <li>Parameters of type {@link RedisServer} (constructor, {@code @BeforeAll}/{@code @BeforeEach}/...
 *       and test methods) are resolved to the class's server.</li>
 *   <li>Before the test instance is created and before {@code @BeforeAll} methods, the system properties
 *       {@code spring.data.redis.host} and {@code spring.data.redis.port} are set to the server's address;
 *       they are restored after the class. This lets a {@code @SpringBootTest} connect to the server. For a
 *       TLS server the properties of {@link RedisTls#springProperties()} (an SSL bundle trusting its
 *       certificate authority) are set too.
 *       (A {@code @DynamicPropertySource} method works as well, and is the better choice with isolated
 *       servers because it keeps Spring from reusing a cached context that points at another class's
 *       server.)</li>
 *   <li>Before each test, a server that an earlier test left stopped is started again on its port.</li>
 * </ul>
 *
 * <p>System properties are JVM-global: with JUnit's parallel execution, only the shared server gives every
 * class consistent values.
 *
 * @since 0.1.0
 */
public final class RedisServerExtension
		implements ParameterResolver, BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
		TestInstancePreConstructCallback {

	/** System property that Spring Boot reads for the Redis host. */
	static final String SPRING_HOST = "spring.data.redis.host";

	/** System property that Spring Boot reads for the Redis port. */
	static final String SPRING_PORT = "spring.data.redis.port";

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RedisServerExtension.class);
	private static final String SHARED_KEY = "shared-server";

	private static RedisServer shared;

	/** Creates the extension; JUnit does this. */
	public RedisServerExtension() {
	}

	/**
	 * The JVM-wide shared server, the one that {@code @EmbeddedRedis} tests use by default; it is started
	 * on the first call (provider {@link RedisServerProvider#AUTO AUTO}) and stopped by the JUnit run that
	 * used it or, outside JUnit, when the JVM exits. If it was stopped it is started again on its port;
	 * if it was closed a new one is started.
	 *
	 * <p>Meant for code that is not a JUnit test, e.g. to run an application against a throw-away Redis
	 * when none is configured.
	 *
	 * @return the running shared server
	 * @throws IllegalStateException when no server can be started
	 */
	public static synchronized RedisServer sharedServer() {
		if (shared == null || shared.isClosed()) {
			shared = RedisServer.start();
		} else if (!shared.isRunning()) {
			shared.startAgain();
		}
		return shared;
	}

	@Override
	public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
		prepareClass(context);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		prepareClass(context);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		RedisServer server = server(context);
		if (!server.isRunning()) {
			server.startAgain();
		}
		setSystemProperties(server);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		ExtensionContext classContext = classContext(context);
		@SuppressWarnings("unchecked")
		Map<String, String> previous = classContext.getStore(NAMESPACE).remove(propertiesKey(classContext), Map.class);
		ClassScopedSetupExtension.restore(previous);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == RedisServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return server(extensionContext);
	}

	private void prepareClass(ExtensionContext context) {
		ExtensionContext classContext = classContext(context);
		RedisServer server = server(context);
		classContext.getStore(NAMESPACE).computeIfAbsent(propertiesKey(classContext), key -> {
			Map<String, String> previous = new HashMap<>();
			springProperties(server).keySet().forEach(name -> previous.put(name, System.getProperty(name)));
			return previous;
		}, Map.class);
		if (!server.isRunning()) {
			server.startAgain();
		}
		setSystemProperties(server);
	}

	private static void setSystemProperties(RedisServer server) {
		springProperties(server).forEach(System::setProperty);
	}

	/** Host and port, and for a TLS server an SSL bundle with its certificates (see {@link RedisTls#springProperties()}). */
	private static Map<String, String> springProperties(RedisServer server) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put(SPRING_HOST, server.host());
		properties.put(SPRING_PORT, String.valueOf(server.port()));
		if (server.isTls()) {
			properties.putAll(server.tls().springProperties());
		}
		return properties;
	}

	/** The server for the test class of this context: the class's own, an enclosing class's, or the shared one. */
	static RedisServer server(ExtensionContext context) {
		ExtensionContext classContext = classContext(context);
		for (ExtensionContext c = classContext; c != null; c = enclosingClassContext(c)) {
			Optional<EmbeddedRedis> annotation = AnnotationSupport.findAnnotation(c.getRequiredTestClass(), EmbeddedRedis.class);
			if (annotation.isPresent()) {
				EmbeddedRedis settings = annotation.get();
				if (settings.isolated() || settings.appendOnly() || settings.tls() || settings.mutualTls()) {
					ExtensionContext owner = c;
					// Keyed by the owner's id: a store lookup also finds values of enclosing contexts.
					return owner.getStore(NAMESPACE).computeIfAbsent("server:" + owner.getUniqueId(),
							key -> RedisServer.builder()
								.appendOnly(settings.appendOnly())
								.tls(settings.tls())
								.mutualTls(settings.mutualTls())
								.build(), RedisServer.class);
				}
				break;
			}
		}
		return registeredSharedServer(context);
	}

	private static RedisServer registeredSharedServer(ExtensionContext context) {
		synchronized (RedisServerExtension.class) {
			RedisServer server = sharedServer();
			ExtensionContext.Store rootStore = context.getRoot().getStore(NAMESPACE);
			if (rootStore.get(SHARED_KEY) != server) {
				rootStore.put(SHARED_KEY, server); // an AutoCloseable: JUnit closes it when the run ends
			}
			return server;
		}
	}

	private static String propertiesKey(ExtensionContext classContext) {
		return "system-properties:" + classContext.getUniqueId();
	}

	/** The nearest context, this one included, whose element is the test class. */
	private static ExtensionContext classContext(ExtensionContext context) {
		for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
			if (isClassContext(c)) {
				return c;
			}
		}
		throw new IllegalStateException("@EmbeddedRedis / RedisServerExtension needs a test class context: " + context);
	}

	/** The context of the enclosing class of a {@code @Nested} class, or null. */
	private static ExtensionContext enclosingClassContext(ExtensionContext classContext) {
		for (ExtensionContext c = classContext.getParent().orElse(null); c != null; c = c.getParent().orElse(null)) {
			if (isClassContext(c)) {
				return c;
			}
		}
		return null;
	}

	private static boolean isClassContext(ExtensionContext context) {
		Optional<AnnotatedElement> element = context.getElement();
		return element.isPresent() && element.get() instanceof Class;
	}
}
