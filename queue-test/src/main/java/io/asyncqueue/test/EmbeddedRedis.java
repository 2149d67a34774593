package io.asyncqueue.test;

import java.lang.annotation.Documented;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import static java.lang.annotation.ElementType.ANNOTATION_TYPE;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * Gives a JUnit 5 test class a real, private {@code redis-server}, with zero setup.
 *
 * <pre>{@code
 * @EmbeddedRedis
 * class MyTest {
 *   @Test
 *   void works(RedisServer redis) {
 *     RedisClient client = RedisClient.create(redis.uri());
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>By default all classes in the test JVM share one server, started on first use and stopped when the
 * test run ends; nothing is flushed between tests, so tests use distinct key names. Set
 * {@link #isolated()} for a server of the class's own (started before its first test, closed after its
 * last), e.g. when the tests stop or restart it.
 *
 * <p>Before the class runs, the system properties {@code spring.data.redis.host} and
 * {@code spring.data.redis.port} are set to the server's address (and restored afterwards), so a
 * {@code @SpringBootTest} annotated with {@code @EmbeddedRedis} connects to it. A {@code RedisServer}
 * parameter of a constructor, lifecycle method or test method is injected. A server that a test left
 * stopped is started again (same port) before the next test. See {@link RedisServerExtension}.
 *
 * <p>The annotation is inherited by subclasses and applies to {@code @Nested} classes; it may be used as a
 * meta-annotation.
 *
 * @since 0.1.0
 */
@Target({TYPE, ANNOTATION_TYPE})
@Retention(RUNTIME)
@Documented
@Inherited
@ExtendWith(RedisServerExtension.class)
public @interface EmbeddedRedis {

	/**
	 * Whether the class gets a server of its own instead of the JVM-wide shared one. Use it for tests that
	 * {@link RedisServer#stop() stop} or {@link RedisServer#restart() restart} the server, or that need an
	 * empty database.
	 *
	 * @return {@code true} for a server per test class; default {@code false}
	 */
	boolean isolated() default false;

	/**
	 * Whether the server persists to an append-only file, so that data survives
	 * {@link RedisServer#restart()}. Implies a server of the class's own, as if {@link #isolated()} were
	 * set.
	 *
	 * @return {@code true} for {@code appendonly yes}; default {@code false}
	 */
	boolean appendOnly() default false;

	/**
	 * Whether the server speaks only TLS, with certificates from a throw-away authority (see
	 * {@link RedisTls}). Implies a server of the class's own. Besides host and port, the system properties of
	 * an SSL bundle that trusts the authority are set, with {@code spring.data.redis.ssl.bundle} naming it.
	 *
	 * @return {@code true} for a TLS server; default {@code false}
	 * @since 0.2.0
	 */
	boolean tls() default false;

	/**
	 * Whether the server also requires a client certificate from its authority ({@code tls-auth-clients yes});
	 * implies {@link #tls()}. The SSL bundle set for Spring Boot presents one.
	 *
	 * @return {@code true} for mutual TLS; default {@code false}
	 * @since 0.2.0
	 */
	boolean mutualTls() default false;
}
