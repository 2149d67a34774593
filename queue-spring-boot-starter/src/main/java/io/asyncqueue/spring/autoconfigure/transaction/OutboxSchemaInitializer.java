package io.asyncqueue.spring.autoconfigure.transaction;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.jdbc.datasource.init.ScriptException;

/**
 * Creates the outbox table, and copes with instances of the application starting together. PostgreSQL's
 * {@code CREATE TABLE IF NOT EXISTS} is not safe against the same statement in another session: the one
 * that loses fails on a duplicate key of the catalog once the winner has committed. Run again, the script
 * finds the table and does nothing, so a failed run is retried once; a script that fails for another
 * reason fails the second time too, and that error is thrown.
 */
class OutboxSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	private static final Log logger = LogFactory.getLog(OutboxSchemaInitializer.class);

	OutboxSchemaInitializer(DataSource dataSource, DatabaseInitializationSettings settings) {
		super(dataSource, settings);
	}

	@Override
	protected void runScripts(Scripts scripts) {
		try {
			super.runScripts(scripts);
		}
		catch (ScriptException ex) {
			logger.debug("The outbox table's script failed, perhaps beside another instance creating the table; "
					+ "running it once more: " + ex);
			super.runScripts(scripts);
		}
	}

}
