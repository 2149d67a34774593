package io.asyncqueue.sample;

import org.springframework.boot.SpringApplication;

/**
 * The sample with zero setup: {@code ./mvnw -pl sample-app -am spring-boot:test-run} runs this class (the
 * Spring Boot convention for a development entry point on the test classpath). It runs
 * {@link SampleApplication} unchanged, plus one thing: when no {@code spring.data.redis.*} is configured, it
 * starts a throw-away redis-server from queue-test (the one on the PATH, else the binary bundled in
 * embedded-redis) and points the application at it. A configured Redis always wins.
 */
public class TestSampleApplication {

	public static void main(String[] args) {
		SpringApplication.withHook((application) -> new EmbeddedRedisWhenUnconfigured(),
				() -> SampleApplication.main(args));
	}

}
