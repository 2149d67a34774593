package io.asyncqueue.test;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Remembers the shared server that the first @EmbeddedRedis class saw, so the others can compare. */
final class SharedServerWitness {

	private static final AtomicReference<RedisServer> FIRST_SEEN = new AtomicReference<>();

	private SharedServerWitness() {
	}

	static void assertSameAsOtherClasses(RedisServer server) {
		FIRST_SEEN.compareAndSet(null, server);
		assertThat(server).isSameAs(FIRST_SEEN.get());
	}
}
