package io.asyncqueue.spring.transaction;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OutboxIntegrationTests} on a real PostgreSQL.
 */
@OnPostgres
class OutboxPostgresIntegrationTests extends OutboxIntegrationTests {

	@Test
	void runsOnPostgresInATableTheStarterCreated() {
		assertThat(this.jdbc.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL ");
		assertThat(this.jdbc.queryForObject("SELECT to_regclass('async_queue_outbox')::text", String.class))
			.isEqualTo("async_queue_outbox");
	}

}
