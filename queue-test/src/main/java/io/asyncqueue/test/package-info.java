/**
 * A real, private {@code redis-server} for tests, with zero setup: {@link io.asyncqueue.test.RedisServer}
 * to start one by hand, {@link io.asyncqueue.test.EmbeddedRedis @EmbeddedRedis} for JUnit 5 tests; and a
 * real, private PostgreSQL: {@link io.asyncqueue.test.PostgresServer},
 * {@link io.asyncqueue.test.EmbeddedPostgres @EmbeddedPostgres}.
 *
 * @since 0.1.0
 */
package io.asyncqueue.test;
