package io.asyncqueue.sample;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import io.asyncqueue.test.EmbeddedRedis;

/**
 * The sample on real parts, for every test class that needs the running application: a real redis-server
 * (queue-test's shared one), H2 in memory, the HTTP API and the actuator on a random port. One annotation, so
 * that the classes share one cached application context: a second context would run a second set of consumers
 * on the same queues.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"spring.datasource.url=jdbc:h2:mem:flash-sale-test;DB_CLOSE_DELAY=-1",
		"async-queue.queues.orders.retry-backoff=100ms",
		"sample.orders.crash-after-insert-rate=0.2",
		"sample.items.test-bar.name=Test bar", "sample.items.test-bar.price=1.00", "sample.items.test-bar.stock=3" })
@EmbeddedRedis
@interface FlashSaleApplicationTest {

}
