package io.asyncqueue.test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;

import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestcontainersProviderTest {

	@Test
	void startsARedis7ContainerWhenDockerIsAvailableAndOtherwiseSaysWhy() {
		if (!DockerClientFactory.instance().isDockerAvailable()) {
			assertThatThrownBy(() -> RedisServer.builder().provider(RedisServerProvider.TESTCONTAINERS).build())
					.isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("needs Docker")
					.hasMessageContaining("asyncqueue.test.redis=path|embedded|auto");
			return;
		}
		try (RedisServer redis = RedisServer.builder().provider(RedisServerProvider.TESTCONTAINERS).appendOnly(true).build()) {
			assertThat(redis.version()).startsWith("7.");
			assertThat(redis.description()).contains("Docker image redis:7");
			Redis.call(redis, "SET", "container:aof", "kept");
			int port = redis.port();
			redis.stop();
			assertThat(Redis.acceptsConnections(redis)).isFalse();
			redis.startAgain();
			assertThat(redis.port()).isEqualTo(port);
			assertThat(Redis.call(redis, "GET", "container:aof")).isEqualTo("kept");
		}
	}

	/** queue-test declares Testcontainers optional: without it everything but that provider must work. */
	@Test
	void worksWithoutTestcontainersOnTheClassPath() throws Exception {
		URL[] classPath = {
				codeSource(RedisServer.class), codeSource(org.slf4j.LoggerFactory.class),
				codeSource(redis.embedded.core.ExecutableProvider.class)};
		try (URLClassLoader loader = new URLClassLoader(classPath, ClassLoader.getPlatformClassLoader())) {
			assertThatThrownBy(() -> loader.loadClass("org.testcontainers.DockerClientFactory"))
					.isInstanceOf(ClassNotFoundException.class);
			Class<?> serverClass = loader.loadClass(RedisServer.class.getName());
			Class<?> providerClass = loader.loadClass(RedisServerProvider.class.getName());
			Object builder = serverClass.getMethod("builder").invoke(null);
			Method provider = builder.getClass().getMethod("provider", providerClass);
			Method build = builder.getClass().getMethod("build");

			Object testcontainers = providerClass.getField("TESTCONTAINERS").get(null);
			provider.invoke(builder, testcontainers);
			assertThatThrownBy(() -> build.invoke(builder))
					.isInstanceOf(InvocationTargetException.class)
					.cause()
					.isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("needs org.testcontainers:testcontainers on the test class path");

			provider.invoke(builder, providerClass.getField("AUTO").get(null));
			try (AutoCloseable server = (AutoCloseable) build.invoke(builder)) {
				assertThat(serverClass.getMethod("isRunning").invoke(server)).isEqualTo(true);
			}
		}
	}

	private static URL codeSource(Class<?> type) {
		return type.getProtectionDomain().getCodeSource().getLocation();
	}
}
