package io.asyncqueue.sample.flashsale;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Orders read from an H2 file database, as the sample runs it.
 */
class OrdersTest {

	@Test
	void readingOrdersLeavesNothingInH2sTraceFile(@TempDir Path directory) throws Exception {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL("jdbc:h2:file:" + directory.resolve("shop").toAbsolutePath() + ";WRITE_DELAY=0");
		dataSource.setUser("sa");
		new ResourceDatabasePopulator(new ClassPathResource("schema.sql")).execute(dataSource);
		Orders orders = new Orders(JdbcClient.create(dataSource));
		orders.createOnce("job-1", 1, Order.SECKILL, "bar", "u1", new BigDecimal("1.00"), Instant.now());

		assertThat(orders.findByItem("bar", 10)).singleElement().satisfies((order) -> {
			assertThat(order.jobId()).isEqualTo("job-1");
			assertThat(order.userId()).isEqualTo("u1");
			assertThat(order.requestedAt()).isNotNull();
		});
		assertThat(orders.findByJobId("job-1")).isPresent();

		Path trace = directory.resolve("shop.trace.db");
		assertThat(Files.exists(trace) ? Files.readString(trace) : "").doesNotContain("not found");
	}

}
