package io.asyncqueue.test;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs small test classes through a JUnit launcher of its own, to check what happens around them: when
 * servers are closed and system properties restored. (The fixtures are static nested classes, so the
 * build's own test run does not pick them up.)
 */
class RedisServerExtensionLifecycleTest {

	private static final List<RedisServer> seen = new ArrayList<>();
	private static final List<String> portPropertyAtConstruction = new ArrayList<>();

	@BeforeEach
	@AfterEach
	void reset() {
		seen.clear();
		portPropertyAtConstruction.clear();
	}

	@Test
	void anIsolatedServerIsClosedAfterItsClassAndThePropertiesAreRestored() {
		System.setProperty("spring.data.redis.port", "1234");
		System.clearProperty("spring.data.redis.host");
		try {
			TestExecutionSummary summary = run(IsolatedFixture.class);

			assertThat(summary.getTotalFailureCount()).as(failures(summary)).isZero();
			assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
			assertThat(seen).hasSize(2);
			RedisServer server = seen.get(0);
			assertThat(seen.get(1)).isSameAs(server);
			assertThat(server.isClosed()).isTrue();
			assertThat(server.isRunning()).isFalse();
			assertThat(Redis.acceptsConnections(server)).isFalse();
			assertThat(server.dataDirectory()).doesNotExist();
			assertThat(System.getProperty("spring.data.redis.port")).isEqualTo("1234");
			assertThat(System.getProperty("spring.data.redis.host")).isNull();
		} finally {
			System.clearProperty("spring.data.redis.port");
		}
	}

	@Test
	void thePropertiesAreSetBeforeAPerClassTestInstanceIsCreated() {
		TestExecutionSummary summary = run(PerClassFixture.class);

		assertThat(summary.getTotalFailureCount()).as(failures(summary)).isZero();
		assertThat(seen).hasSize(1);
		assertThat(portPropertyAtConstruction).containsExactly(String.valueOf(seen.get(0).port()));
		assertThat(seen.get(0).isClosed()).isTrue();
	}

	private static TestExecutionSummary run(Class<?> testClass) {
		LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
				.selectors(selectClass(testClass))
				.build();
		SummaryGeneratingListener listener = new SummaryGeneratingListener();
		LauncherFactory.create().execute(request, listener);
		return listener.getSummary();
	}

	private static String failures(TestExecutionSummary summary) {
		StringBuilder text = new StringBuilder();
		summary.getFailures().forEach(f -> text.append(f.getTestIdentifier().getDisplayName()).append(": ")
				.append(f.getException()).append('\n'));
		return text.toString();
	}

	@EmbeddedRedis(isolated = true)
	static class IsolatedFixture {

		@Test
		void one(RedisServer server) {
			seen.add(server);
			assertThat(System.getProperty("spring.data.redis.port")).isEqualTo(String.valueOf(server.port()));
		}

		@Test
		void two(RedisServer server) {
			seen.add(server);
		}
	}

	@EmbeddedRedis(isolated = true)
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	static class PerClassFixture {

		PerClassFixture() {
			// what a Spring test context loaded while the test instance is post-processed would see
			portPropertyAtConstruction.add(System.getProperty("spring.data.redis.port"));
		}

		@Test
		void test(RedisServer server) {
			seen.add(server);
		}
	}
}
