package io.asyncqueue.sample;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.sample.demo.LoadDriver;
import io.asyncqueue.sample.demo.LoadReport;
import io.asyncqueue.sample.flashsale.Orders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seed 000's limit queue with a second instance of the application consuming it beside the test's, on the same
 * Redis and database, with four handlers of its own: {@code global-concurrency: 1} still runs one job at a
 * time across both, so the read-modify-write of the stock never oversells.
 */
@FlashSaleApplicationTest
class LimitQueueInstancesTest {

	@Autowired
	LoadDriver driver;

	@Autowired
	Orders orders;

	@Autowired
	QueueOperations operations;

	@Test
	void theLimitQueueSellsExactlyItsStockWithSeveralInstancesConsuming() throws Exception {
		try (ConfigurableApplicationContext second = new SpringApplicationBuilder(SampleApplication.class).run(
				"--server.port=0", "--spring.datasource.url=jdbc:h2:mem:flash-sale-test;DB_CLOSE_DELAY=-1",
				"--spring.main.banner-mode=off", "--async-queue.queues.limit-queue.concurrency=4",
				"--async-queue.queues.orders.auto-startup=false")) {
			LoadReport report = this.driver.run(new SampleProperties.Demo(false, "limit-queue", "dove-200g", 20, 300,
					150, 16, 0, Duration.ofSeconds(60), false));
			System.out.println(report.render());
			// "nothing lost" counts this instance's handlers only: here the queue itself says every job was handled
			assertThat(report.checks()).filteredOn((check) -> !check.name().equals("nothing lost"))
				.allSatisfy((check) -> assertThat(check.kept()).as(check.detail()).isTrue());
			assertThat(this.operations.counts("limit-queue"))
				.isEqualTo(new QueueCounts("limit-queue", 0, 0, 0, 0, 0));
			assertThat(report.orders()).isEqualTo(20);
			assertThat(report.stockLeft()).isZero();
			assertThat(this.orders.usersWithSeveralOrders("dove-200g")).isEmpty();
		}
	}

}
