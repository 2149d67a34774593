package io.asyncqueue.spring.transaction;

import java.sql.Connection;
import java.sql.SQLException;

import org.h2.api.Trigger;

import org.springframework.test.context.TestPropertySource;

/**
 * {@link OutboxRelayIntegrationTests} on H2, in memory.
 */
@TestPropertySource(properties = "spring.datasource.url=jdbc:h2:mem:relay;DB_CLOSE_DELAY=-1")
class OutboxRelayH2IntegrationTests extends OutboxRelayIntegrationTests {

	@Override
	void refuseDeletes() {
		this.jdbc.execute("CREATE TRIGGER refuse_delete BEFORE DELETE ON async_queue_outbox FOR EACH ROW CALL '"
				+ RefuseDelete.class.getName() + "'");
	}

	@Override
	void allowDeletes() {
		this.jdbc.execute("DROP TRIGGER IF EXISTS refuse_delete");
	}

	/** An H2 trigger that fails every delete. */
	public static class RefuseDelete implements Trigger {

		@Override
		public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
			throw new SQLException("deletes refused by the test");
		}

	}

}
