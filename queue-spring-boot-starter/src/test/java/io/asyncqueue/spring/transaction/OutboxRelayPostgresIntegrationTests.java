package io.asyncqueue.spring.transaction;

/**
 * {@link OutboxRelayIntegrationTests} on a real PostgreSQL.
 */
@OnPostgres
class OutboxRelayPostgresIntegrationTests extends OutboxRelayIntegrationTests {

	@Override
	void refuseDeletes() {
		this.jdbc.execute("CREATE OR REPLACE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS "
				+ "$$ BEGIN RAISE EXCEPTION 'deletes refused by the test'; END $$");
		this.jdbc.execute("CREATE TRIGGER refuse_delete BEFORE DELETE ON async_queue_outbox FOR EACH ROW "
				+ "EXECUTE FUNCTION refuse_delete()");
	}

	@Override
	void allowDeletes() {
		this.jdbc.execute("DROP TRIGGER IF EXISTS refuse_delete ON async_queue_outbox");
	}

}
