package io.asyncqueue.spring.transaction;

/**
 * {@link RedisDownAtCommitIntegrationTests} on a real PostgreSQL.
 */
@OnPostgres
class RedisDownAtCommitPostgresIntegrationTests extends RedisDownAtCommitIntegrationTests {

}
