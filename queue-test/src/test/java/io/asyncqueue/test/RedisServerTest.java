package io.asyncqueue.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class RedisServerTest {

	@AfterEach
	void clearSettings() {
		System.clearProperty(RedisServerProvider.PROVIDER_PROPERTY);
		System.clearProperty(RedisServerProvider.SERVER_PROPERTY);
	}

	@Test
	void startsOnAFreeLoopbackPortAndAnswersPing() {
		try (RedisServer redis = RedisServer.start()) {
			assertThat(redis.isRunning()).isTrue();
			assertThat(redis.host()).isEqualTo("127.0.0.1");
			assertThat(redis.port()).isPositive();
			assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
			assertThat(redis.version()).matches("\\d+\\.\\d+\\.\\d+");
			assertThat(redis.description())
					.startsWith("redis-server " + redis.version() + " from ")
					.endsWith(" on 127.0.0.1:" + redis.port());
			assertThat(Redis.call(redis, "PING")).isEqualTo("PONG");
			assertThat(Redis.call(redis, "INFO", "server")).asString().contains("redis_version:" + redis.version());
		}
	}

	@Test
	void isConfiguredAsAPrivateThrowAwayServer() throws IOException {
		try (RedisServer redis = RedisServer.start()) {
			assertThat(Redis.config(redis, "bind")).isEqualTo("127.0.0.1");
			assertThat(Redis.config(redis, "save")).isEmpty();
			assertThat(Redis.config(redis, "appendonly")).isEqualTo("no");
			assertThat(Redis.config(redis, "protected-mode")).isEqualTo("no");
			assertThat(redis.dataDirectory()).isDirectory();
			assertThat(Path.of(Redis.config(redis, "dir")).toRealPath()).isEqualTo(redis.dataDirectory().toRealPath());
		}
	}

	@Test
	void stopRefusesConnectionsAndStartAgainComesBackOnTheSamePort() {
		try (RedisServer redis = RedisServer.start()) {
			int port = redis.port();

			redis.stop();
			assertThat(redis.isRunning()).isFalse();
			assertThat(Redis.acceptsConnections(redis)).isFalse();
			redis.stop(); // idempotent

			redis.startAgain();
			assertThat(redis.isRunning()).isTrue();
			assertThat(redis.port()).isEqualTo(port);
			assertThat(Redis.call(redis, "PING")).isEqualTo("PONG");
		}
	}

	@Test
	void appendOnlyDataSurvivesRestart() {
		try (RedisServer redis = RedisServer.builder().appendOnly(true).build()) {
			assertThat(Redis.config(redis, "appendonly")).isEqualTo("yes");
			assertThat(Redis.call(redis, "SET", "aof:key", "survives")).isEqualTo("OK");

			redis.restart();

			assertThat(Redis.call(redis, "GET", "aof:key")).isEqualTo("survives");
		}
	}

	@Test
	void withoutAppendOnlyDataIsGoneAfterRestart() {
		try (RedisServer redis = RedisServer.start()) {
			Redis.call(redis, "SET", "volatile:key", "gone");

			redis.restart();

			assertThat(Redis.call(redis, "GET", "volatile:key")).isNull();
		}
	}

	@Test
	void usesTheRequestedPortAndRefusesAPortInUse() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			port = socket.getLocalPort();
		}
		try (RedisServer redis = RedisServer.builder().port(port).build()) {
			assertThat(redis.port()).isEqualTo(port);
			assertThat(Redis.call(redis, "PING")).isEqualTo("PONG");

			assertThatThrownBy(() -> RedisServer.builder().port(port).build())
					.isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("Port " + port)
					.hasMessageContaining("already in use");
			assertThat(Redis.call(redis, "PING")).isEqualTo("PONG");
		}
	}

	@Test
	void closeStopsTheServerAndDeletesItsDataDirectory() {
		RedisServer redis = RedisServer.builder().appendOnly(true).build();
		Path dataDir = redis.dataDirectory();
		Redis.call(redis, "SET", "k", "v");
		assertThat(dataDir).isDirectory();

		redis.close();
		redis.close(); // idempotent

		assertThat(redis.isRunning()).isFalse();
		assertThat(Redis.acceptsConnections(redis)).isFalse();
		assertThat(dataDir).doesNotExist();
		assertThatThrownBy(redis::startAgain).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
	}

	@Test
	void aServerThatCannotStartIsReportedWithItsOutput(@TempDir Path dir) throws IOException {
		assumeFalse(Binaries.isWindows(), "uses a shell script as a fake redis-server");
		Path fake = dir.resolve("fake-redis-server");
		Files.writeString(fake, "#!/bin/sh\n"
				+ "if [ \"$1\" = \"--version\" ]; then echo 'Redis server v=9.9.9 sha=0'; exit 0; fi\n"
				+ "echo '*** FATAL CONFIG FILE ERROR: this fake cannot serve'\n"
				+ "exit 1\n");
		Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
		System.setProperty(RedisServerProvider.SERVER_PROPERTY, fake.toString());

		assertThatThrownBy(RedisServer::start)
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("exited while starting")
				.hasMessageContaining(fake.toString())
				.hasMessageContaining("FATAL CONFIG FILE ERROR: this fake cannot serve");
	}

	@Test
	void aBinaryThatCannotRunIsReportedClearly(@TempDir Path dir) throws IOException {
		Path notABinary = dir.resolve("redis-server");
		Files.writeString(notABinary, "not an executable format");
		assertThat(notABinary.toFile().setExecutable(true)).isTrue();
		System.setProperty(RedisServerProvider.SERVER_PROPERTY, notABinary.toString());

		assertThatThrownBy(RedisServer::start)
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("Cannot run " + notABinary + " on this machine");
	}

	@Test
	void theProviderCanBeForcedWithASystemProperty() {
		System.setProperty(RedisServerProvider.PROVIDER_PROPERTY, "PaTh");
		assertThat(RedisServerProvider.configured()).isEqualTo(RedisServerProvider.PATH);

		System.setProperty(RedisServerProvider.PROVIDER_PROPERTY, "docker");
		assertThatThrownBy(RedisServer::start)
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("asyncqueue.test.redis=docker")
				.hasMessageContaining("path, embedded, testcontainers");
	}

	@Test
	void aProviderChosenInCodeWinsOverTheSystemProperty() {
		System.setProperty(RedisServerProvider.PROVIDER_PROPERTY, "testcontainers");
		Binaries.Binary onPath = Binaries.onPath();
		RedisServerProvider expected = onPath != null ? RedisServerProvider.PATH : RedisServerProvider.EMBEDDED;
		try (RedisServer redis = RedisServer.builder().provider(expected).build()) {
			assertThat(redis.provider()).isEqualTo(expected);
		}
	}

	@Test
	void rejectsInvalidSettings() {
		assertThatThrownBy(() -> RedisServer.builder().port(70000)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> RedisServer.builder().provider(null)).isInstanceOf(NullPointerException.class);
	}
}
