package io.asyncqueue.test;

import java.util.Locale;

/**
 * Where the {@code redis-server} of a {@link RedisServer} comes from.
 *
 * <p>{@link #AUTO} (the default) can be overridden for a whole test run, without code changes, with the
 * system property {@value #PROVIDER_PROPERTY} or the environment variable {@value #PROVIDER_ENV}
 * set to {@code path}, {@code embedded}, {@code testcontainers} or {@code auto}. A provider chosen in
 * code with {@link RedisServer.Builder#provider(RedisServerProvider)} (other than {@code AUTO}) wins
 * over that setting.
 *
 * @since 0.1.0
 */
public enum RedisServerProvider {

	/**
	 * The binary named by {@value #SERVER_PROPERTY} / {@value #SERVER_ENV} if set, else
	 * {@code redis-server} on the {@code PATH} if there is one, else {@link #EMBEDDED}.
	 */
	AUTO,

	/**
	 * The binary named by {@value #SERVER_PROPERTY} / {@value #SERVER_ENV} if set, else
	 * {@code redis-server} on the {@code PATH}; fails if there is none.
	 */
	PATH,

	/**
	 * The {@code redis-server} binary bundled in {@code com.github.codemonstur:embedded-redis} (Redis 6.2
	 * for Linux x86/x86-64/arm64 and macOS x86-64/arm64, Redis 5.0 for Windows), extracted once per JVM
	 * to a temporary directory.
	 */
	EMBEDDED,

	/**
	 * A {@code redis:7} container (image overridable with {@value #IMAGE_PROPERTY}), started through
	 * Testcontainers. Needs {@code org.testcontainers:testcontainers} on the test class path and a
	 * working Docker; it is never chosen by {@link #AUTO}.
	 */
	TESTCONTAINERS;

	/** System property forcing the provider: {@code path}, {@code embedded}, {@code testcontainers}, {@code auto}. */
	public static final String PROVIDER_PROPERTY = "asyncqueue.test.redis";

	/** Environment variable forcing the provider, same values as {@link #PROVIDER_PROPERTY}. */
	public static final String PROVIDER_ENV = "ASYNCQUEUE_TEST_REDIS";

	/** System property naming the {@code redis-server} binary (a path, or a name looked up on the PATH). */
	public static final String SERVER_PROPERTY = "asyncqueue.test.redis-server";

	/** Environment variable naming the {@code redis-server} binary, same meaning as {@link #SERVER_PROPERTY}. */
	public static final String SERVER_ENV = "ASYNCQUEUE_TEST_REDIS_SERVER";

	/** System property naming the Docker image used by {@link #TESTCONTAINERS}; default {@code redis:7}. */
	public static final String IMAGE_PROPERTY = "asyncqueue.test.redis-image";

	/**
	 * The provider forced by {@link #PROVIDER_PROPERTY} or {@link #PROVIDER_ENV}, or {@link #AUTO}.
	 *
	 * @throws IllegalArgumentException when the setting has an unknown value
	 */
	static RedisServerProvider configured() {
		String source = PROVIDER_PROPERTY;
		String value = System.getProperty(PROVIDER_PROPERTY);
		if (value == null || value.isBlank()) {
			source = PROVIDER_ENV;
			value = System.getenv(PROVIDER_ENV);
		}
		if (value == null || value.isBlank()) {
			return AUTO;
		}
		try {
			return valueOf(value.trim().toUpperCase(Locale.ROOT));
		} catch (IllegalArgumentException e) {
			throw new IllegalArgumentException(
					source + "=" + value + " is not a Redis provider; use one of auto, path, embedded, testcontainers");
		}
	}

	static String setting(String property, String env) {
		String value = System.getProperty(property);
		if (value == null || value.isBlank()) {
			value = System.getenv(env);
		}
		return value == null || value.isBlank() ? null : value.trim();
	}
}
