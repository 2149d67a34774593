package io.asyncqueue.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/** Test helper: one command to a server through the module's own raw-socket RESP client. */
final class Redis {

	private Redis() {
	}

	static Object call(RedisServer server, String... command) {
		try {
			return server.command(command); // over TLS for a TLS server
		} catch (IOException e) {
			throw new UncheckedIOException("Redis command " + String.join(" ", command) + " failed on " + server, e);
		}
	}

	static boolean acceptsConnections(RedisServer server) {
		return Resp.accepts(server.host(), server.port(), Duration.ofMillis(500));
	}

	/** The value of one parameter from CONFIG GET. */
	static String config(RedisServer server, String parameter) {
		Object reply = call(server, "CONFIG", "GET", parameter);
		return (String) ((java.util.List<?>) reply).get(1);
	}
}
