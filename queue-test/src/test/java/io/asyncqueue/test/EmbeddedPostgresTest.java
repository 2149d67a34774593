package io.asyncqueue.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code @EmbeddedPostgres} gives the class a database of its own on the JVM's shared server, and tells Spring Boot. */
@EmbeddedPostgres
class EmbeddedPostgresTest {

	private final PostgresDatabase injected;

	EmbeddedPostgresTest(PostgresDatabase database) {
		this.injected = database;
	}

	@Test
	void theClassGetsAnEmptyDatabaseAndSpringBootIsPointedAtIt(PostgresDatabase database, PostgresServer server)
			throws SQLException {
		assertThat(database).isSameAs(this.injected);
		assertThat(server).isSameAs(PostgresExtension.sharedServer());
		assertThat(database.jdbcUrl()).isEqualTo(server.jdbcUrl(database.name()));
		assertThat(System.getProperty("spring.datasource.url")).isEqualTo(database.jdbcUrl());
		assertThat(System.getProperty("spring.datasource.username")).isEqualTo("postgres");
		assertThat(query(database, "SELECT current_database()")).isEqualTo(database.name());
		assertThat(query(database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).isEqualTo("0");
	}

	@Nested
	class Inner {

		@Test
		void nestedClassesShareIt(PostgresDatabase database) {
			assertThat(database).isSameAs(EmbeddedPostgresTest.this.injected);
		}

	}

	@Nested
	@EmbeddedPostgres
	class Annotated {

		@Test
		void anAnnotatedNestedClassGetsAnotherDatabaseOnTheSameServer(PostgresDatabase database, PostgresServer server) {
			assertThat(database.name()).isNotEqualTo(EmbeddedPostgresTest.this.injected.name());
			assertThat(database.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:" + server.port() + "/");
			assertThat(System.getProperty("spring.datasource.url")).isEqualTo(database.jdbcUrl());
		}

	}

	static String query(PostgresDatabase database, String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.username(), "");
				ResultSet row = connection.createStatement().executeQuery(sql)) {
			row.next();
			return row.getString(1);
		}
	}

}
