package io.asyncqueue.spring.transaction;

import java.util.List;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The SQL of the outbox table, {@value #NAME}: the one home of its columns. Portable SQL only (the
 * batch size is a JDBC max-rows limit, not a LIMIT clause).
 */
final class OutboxTable {

	/** The table's name, as the schema scripts create it. */
	static final String NAME = "async_queue_outbox";

	private static final String INSERT = "INSERT INTO " + NAME
			+ " (id, queue_name, job_name, payload, headers, unique_id, due_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

	private static final String SELECT = "SELECT id, queue_name, job_name, payload, headers, unique_id, due_at FROM "
			+ NAME + " ORDER BY seq";

	private static final String DELETE = "DELETE FROM " + NAME + " WHERE id = ?";

	private final JdbcTemplate jdbc;

	private final JdbcTemplate batchReader;

	OutboxTable(DataSource dataSource, int batchSize) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.batchReader = new JdbcTemplate(dataSource);
		this.batchReader.setMaxRows(batchSize);
	}

	/** Write rows, in the caller's transaction when it has one on this table's DataSource. */
	void insert(List<Row> rows) {
		this.jdbc.batchUpdate(INSERT, rows, rows.size(), (statement, row) -> {
			statement.setString(1, row.id());
			statement.setString(2, row.queue());
			statement.setString(3, row.jobName());
			statement.setString(4, row.payload());
			statement.setString(5, row.headers());
			statement.setString(6, row.uniqueId());
			statement.setLong(7, row.dueAt());
		});
	}

	/** The oldest rows, at most the batch size. */
	List<Row> oldest() {
		return this.batchReader.query(SELECT,
				(rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
						rs.getString(6), rs.getLong(7)));
	}

	void delete(List<String> ids) {
		this.jdbc.batchUpdate(DELETE, ids, ids.size(), (statement, id) -> statement.setString(1, id));
	}

	/**
	 * One job in the outbox.
	 * @param id the job's id in Redis
	 * @param queue the queue
	 * @param jobName the job name
	 * @param payload the payload as JSON
	 * @param headers the headers as a JSON object, or {@code null}
	 * @param uniqueId the unique id, or {@code null}
	 * @param dueAt when the job is due, in epoch milliseconds; {@code 0} for at once
	 */
	record Row(String id, String queue, String jobName, String payload, @Nullable String headers,
			@Nullable String uniqueId, long dueAt) {
	}

}
