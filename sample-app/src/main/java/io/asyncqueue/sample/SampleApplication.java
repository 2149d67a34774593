package io.asyncqueue.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

import io.asyncqueue.sample.demo.DemoRunner;

/**
 * The seeds' flash sale on async-queue.
 *
 * <ul>
 * <li>{@code POST /seckill/{item}?user=…}: one Redis Lua script rate-limits the user, allows one purchase
 * per user and takes a unit of stock; on success a {@code CreateOrderJob} is pushed to the {@code orders}
 * queue and the answer is {@code 202 queued} at once. The job writes the order to SQL exactly once.</li>
 * <li>{@code POST /limit-queue/{item}?user=…}: seed 000's variant, a queue with concurrency 1 whose job
 * checks and decrements the stock in the database; {@code global-concurrency: 1} keeps it one at a time across
 * every instance.</li>
 * </ul>
 *
 * <p>Run it with {@code ./mvnw -pl sample-app -am spring-boot:test-run}: without a configured Redis the
 * test-scope {@code TestSampleApplication} starts a throw-away redis-server. With the {@code demo}
 * profile a load driver fires purchases, prints a report and exits (non-zero on an oversell, a duplicate
 * or a lost order).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SampleApplication {

	public static void main(String[] args) {
		ConfigurableApplicationContext context = SpringApplication.run(SampleApplication.class, args);
		if (DemoRunner.exitWhenDone(context)) {
			// the demo has finished and printed its report: stop the application with its verdict
			System.exit(SpringApplication.exit(context));
		}
	}

}
