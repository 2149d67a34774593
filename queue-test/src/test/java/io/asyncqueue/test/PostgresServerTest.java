package io.asyncqueue.test;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A private PostgreSQL started by hand: reachable over JDBC on loopback, gone without a trace once closed. */
class PostgresServerTest {

	@AfterEach
	void clearSettings() {
		System.clearProperty(PostgresServer.PROGRAMS_PROPERTY);
	}

	@Test
	void startsOnALoopbackPortMakesDatabasesAndIsGoneOnceClosed() throws SQLException {
		PostgresExtension.requireInstalled();
		PostgresServer server = PostgresServer.start();
		Path dir = server.directory();
		try {
			PostgresDatabase orders = server.createDatabase("orders");
			assertThat(orders.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + server.port() + "/orders");
			try (Connection connection = DriverManager.getConnection(orders.jdbcUrl(), orders.username(), "");
					ResultSet row = connection.createStatement()
						.executeQuery("SELECT current_database(), inet_server_addr()::text, current_setting('fsync')")) {
				row.next();
				assertThat(row.getString(1)).isEqualTo("orders");
				assertThat(row.getString(2)).isEqualTo("127.0.0.1/32");
				assertThat(row.getString(3)).isEqualTo("off");
			}
			assertThat(server.sql("orders", "CREATE TABLE t (n INT)", "INSERT INTO t VALUES (1), (2)",
					"SELECT n FROM t ORDER BY n")).isEqualTo("1\n2");
			assertThat(server.version()).matches("\\d+\\.\\d+");
		}
		finally {
			server.close();
		}
		assertThat(server.isClosed()).isTrue();
		assertThat(dir).doesNotExist();
		assertThatThrownBy(() -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 1000);
			}
		}).as("the port refuses connections").isInstanceOf(java.io.IOException.class);
	}

	@Test
	void badDatabaseNamesAndFailingStatementsSayWhy() {
		PostgresExtension.requireInstalled();
		try (PostgresServer server = PostgresServer.start()) {
			assertThatIllegalArgumentException().isThrownBy(() -> server.createDatabase("Orders; DROP"))
				.withMessageContaining("'Orders; DROP' is not a database name");
			server.createDatabase("twice");
			assertThatIllegalStateException().isThrownBy(() -> server.createDatabase("twice"))
				.withMessageContaining("database \"twice\" already exists");
		}
	}

	@Test
	void withoutPostgresTestsAreSkippedButFailOnCi() {
		assertThatThrownBy(() -> PostgresExtension.requireInstalled(false, null)).isInstanceOf(TestAbortedException.class)
			.hasMessageContaining("install Debian's postgresql package");
		assertThatThrownBy(() -> PostgresExtension.requireInstalled(false, "true"))
			.isInstanceOf(AssertionFailedError.class)
			.hasMessageContaining("install Debian's postgresql package")
			.hasMessageContaining("CI=true");
		PostgresExtension.requireInstalled(true, "true");
	}

	@Test
	void withoutProgramsTheErrorNamesThePackageToInstall(@TempDir Path empty) {
		System.setProperty(PostgresServer.PROGRAMS_PROPERTY, empty.toString());
		assertThat(PostgresServer.programs()).isEmpty();
		assertThatIllegalStateException().isThrownBy(PostgresServer::start)
			.withMessageContaining("install Debian's postgresql package")
			.withMessageContaining(PostgresServer.PROGRAMS_PROPERTY);
	}

}
