/**
 * A real, private {@code redis-server} for tests, with zero setup: {@link io.asyncqueue.test.RedisServer}
 * to start one by hand, {@link io.asyncqueue.test.EmbeddedRedis @EmbeddedRedis} for JUnit 5 tests.
 *
 * @since 0.1.0
 */
package io.asyncqueue.test;
