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
 * Gives a JUnit 5 test class a real Sentinel set-up of its own: a master, {@link #replicas()} replicas and
 * {@link #sentinels()} Sentinels, as local processes, started before the class's first test and closed after
 * its last.
 *
 * <pre>{@code
 * @EmbeddedRedisSentinel
 * class MySentinelTest {
 *   @Test
 *   void works(RedisSentinelSetup sentinel) {
 *     RedisClient client = RedisClient.create(sentinel.uri());
 *     ...
 *     sentinel.failover();   // SENTINEL FAILOVER, returns the new master
 *   }
 * }
 * }</pre>
 *
 * <p>A {@link RedisSentinelSetup} parameter of a constructor, lifecycle method or test method is injected.
 * Before the class runs, the system properties {@code spring.data.redis.sentinel.master} and
 * {@code spring.data.redis.sentinel.nodes} are set (and restored afterwards), so a {@code @SpringBootTest}
 * with this annotation connects through the Sentinels.
 *
 * @since 0.2.0
 * @see RedisSentinelExtension
 */
@Target({ TYPE, ANNOTATION_TYPE })
@Retention(RUNTIME)
@Documented
@Inherited
@ExtendWith(RedisSentinelExtension.class)
public @interface EmbeddedRedisSentinel {

	/**
	 * The name the Sentinels know the master by.
	 * @return the master name; default {@code mymaster}
	 */
	String masterName() default "mymaster";

	/**
	 * How many replicas the master gets.
	 * @return the number of replicas; default 1
	 */
	int replicas() default 1;

	/**
	 * How many Sentinels watch the master.
	 * @return the number of Sentinels; default 3
	 */
	int sentinels() default 3;

	/**
	 * How many Sentinels must agree that the master is down.
	 * @return the quorum; default 2
	 */
	int quorum() default 2;

	/**
	 * The Sentinels' {@code down-after-milliseconds}: how long the master may be unreachable before it counts as
	 * down.
	 * @return the time in milliseconds; default 1000
	 */
	long downAfterMillis() default 1000;

}
