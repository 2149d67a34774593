package io.asyncqueue.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.asyncqueue.test.EmbeddedRedis;
import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quick smoke run of the whole harness that the default build keeps: the driver, adapter processes,
 * Redis's own measurements and the report, on queue-test's private redis-server. It checks that every
 * figure is produced and well-formed, never what it is: timings are reported by {@code run.sh}, not
 * asserted. Only the OURS adapter runs (no npm, no peer build, no PostgreSQL); add peers with
 * {@code -Dbenchmark.smoke.systems=ours,bullmq,rqueue,jobrunr} once {@code run.sh} has installed and built
 * them.
 */
@EmbeddedRedis(isolated = true)
class HarnessSmokeTest {

	@Test
	@Timeout(600)
	void quickRunProducesEveryFigureForOurs(RedisServer redis) throws Exception {
		String systems = System.getProperty("benchmark.smoke.systems", "ours");
		Path out = Paths.get("target/smoke-results").toAbsolutePath();
		List<String> argv = List.of("--quick", "--systems", systems, "--out", out.toString(), "--module-dir",
				Paths.get("").toAbsolutePath().toString(), "--redis-port", Integer.toString(redis.port()),
				"--quiet-wait", "0");
		Path json = new Harness(Harness.Options.parse(argv.toArray(String[]::new))).run();

		JsonNode results = JsonMapper.builder().build().readTree(json.toFile());
		assertThat(results.path("failures").size()).as("failures: %s", results.path("failures")).isZero();
		assertThat(results.path("machine").path("redis").asString()).startsWith(redis.version());
		assertThat(results.path("machine").path("engine").asString()).isNotBlank();
		assertThat(results.path("figures").size()).as("figures").isPositive();
		for (JsonNode figure : results.path("figures")) {
			JsonNode ours = figure.path("median").path("ours");
			assertThat(ours.isNumber() || ours.isString())
				.as("ours has figure %s: %s", figure.path("key").asString(), ours).isTrue();
		}
		assertThat(Files.readString(out.resolve("results.md"))).contains("| Figure |").contains("async-queue");
		assertThat(redis.isRunning()).as("the given server is left running").isTrue();
	}

}
