package io.asyncqueue.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A quick smoke run of the whole harness (driver, private redis-server, adapter processes, report).
 * This module is only built under {@code -Pbenchmark}, so the default {@code ./mvnw verify} never runs it.
 * By default only the OURS adapter runs (no npm, no Rqueue build); add peers with
 * {@code -Dbenchmark.smoke.systems=ours,bullmq,rqueue,rqueue-nohistory} once {@code run.sh} has
 * installed and built them. The full-harness smoke run is {@code queue-benchmark/run.sh --quick}.
 */
class HarnessSmokeTest {

	@Test
	@Timeout(600)
	void quickRunProducesEveryFigureForOurs() throws Exception {
		String redisServer = System.getProperty("benchmark.redis-server", "/usr/bin/redis-server");
		assumeTrue(Files.isExecutable(Paths.get(redisServer)), "no redis-server at " + redisServer);
		String systems = System.getProperty("benchmark.smoke.systems", "ours");
		Path out = Paths.get("target/smoke-results").toAbsolutePath();
		List<String> argv = new ArrayList<>(List.of("--quick", "--systems", systems, "--out", out.toString(),
				"--module-dir", Paths.get("").toAbsolutePath().toString(), "--redis-server", redisServer,
				"--quiet-wait", "0"));
		Path json = new Harness(Harness.Options.parse(argv.toArray(String[]::new))).run();

		JsonNode results = JsonMapper.builder().build().readTree(json.toFile());
		assertThat(results.path("failures").size()).as("failures: %s", results.path("failures")).isZero();
		assertThat(results.path("machine").path("redis").asString()).isNotBlank();
		for (JsonNode figure : results.path("figures")) {
			assertThat(figure.path("median").path("ours").isNull())
				.as("ours has figure %s", figure.path("key").asString()).isFalse();
		}
		assertThat(Files.readString(out.resolve("results.md"))).contains("| Figure |").contains("async-queue");
	}

}
