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
 * Gives a JUnit 5 test class a real Redis Cluster of its own: {@link #masters()} masters with
 * {@link #replicasPerMaster()} replicas each, as local {@code redis-server} processes, started before the
 * class's first test and closed after its last.
 *
 * <pre>{@code
 * @EmbeddedRedisCluster
 * class MyClusterTest {
 *   @Test
 *   void works(RedisCluster cluster) {
 *     RedisClusterClient client = RedisClusterClient.create(RedisURI.create(cluster.uris().get(0)));
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>A {@link RedisCluster} parameter of a constructor, lifecycle method or test method is injected. Before
 * the class runs, the system property {@code spring.data.redis.cluster.nodes} is set to every node's
 * {@code host:port} (and restored afterwards), so a {@code @SpringBootTest} with this annotation connects to
 * the cluster. A test may kill a master ({@link RedisServer#kill()}) to see its replica take over within about
 * {@link #nodeTimeoutMillis()}; the cluster is not repaired between tests.
 *
 * @since 0.2.0
 * @see RedisClusterExtension
 */
@Target({ TYPE, ANNOTATION_TYPE })
@Retention(RUNTIME)
@Documented
@Inherited
@ExtendWith(RedisClusterExtension.class)
public @interface EmbeddedRedisCluster {

	/**
	 * How many masters share the hash slots (3 or more for automatic failover).
	 * @return the number of masters; default 3
	 */
	int masters() default 3;

	/**
	 * How many replicas each master gets.
	 * @return the number of replicas per master; default 1
	 */
	int replicasPerMaster() default 1;

	/**
	 * The nodes' {@code cluster-node-timeout} in milliseconds: how long a master may be unreachable before its
	 * replica takes over.
	 * @return the timeout; default 2000
	 */
	long nodeTimeoutMillis() default 2000;

}
