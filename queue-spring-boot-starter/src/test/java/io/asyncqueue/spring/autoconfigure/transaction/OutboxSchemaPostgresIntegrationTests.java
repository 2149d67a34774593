package io.asyncqueue.spring.autoconfigure.transaction;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.asyncqueue.test.EmbeddedPostgres;
import io.asyncqueue.test.PostgresDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox table's initializer on a real PostgreSQL, where {@code CREATE TABLE IF NOT EXISTS} is not safe
 * against the same statement running at the same moment in another session: several instances of an
 * application deployed together, with {@code initialize-schema: always}, must all start.
 */
@EmbeddedPostgres
class OutboxSchemaPostgresIntegrationTests {

	private static final int INSTANCES = 8;

	@Test
	void instancesStartingTogetherAllCreateOrFindTheTable(PostgresDatabase database) throws Exception {
		DriverManagerDataSource dataSource = new DriverManagerDataSource(database.jdbcUrl(), database.username(), "");
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		AsyncQueueOutboxProperties properties = new AsyncQueueOutboxProperties();
		properties.setInitializeSchema(DatabaseInitializationMode.ALWAYS);
		ExecutorService instances = Executors.newFixedThreadPool(INSTANCES);
		try {
			for (int deployment = 0; deployment < 10; deployment++) {
				jdbc.execute("DROP TABLE IF EXISTS async_queue_outbox");
				CyclicBarrier together = new CyclicBarrier(INSTANCES);
				List<Future<Boolean>> starts = new ArrayList<>();
				for (int i = 0; i < INSTANCES; i++) {
					DataSourceScriptDatabaseInitializer initializer = new AsyncQueueOutboxConfiguration()
						.asyncQueueOutboxInitializer(dataSource, properties);
					initializer.setResourceLoader(new DefaultResourceLoader());
					starts.add(instances.submit(() -> {
						together.await();
						return initializer.initializeDatabase();
					}));
				}
				for (Future<Boolean> start : starts) {
					assertThat(start.get(30, TimeUnit.SECONDS)).as("deployment %d", deployment).isTrue();
				}
				assertThat(jdbc.queryForObject("SELECT count(*) FROM async_queue_outbox", Long.class)).isZero();
			}
		}
		finally {
			instances.shutdownNow();
		}
	}

}
