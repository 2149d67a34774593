package io.asyncqueue.spring.transaction;

import org.springframework.test.context.TestPropertySource;

/**
 * {@link RedisDownAtCommitIntegrationTests} on H2, in memory.
 */
@TestPropertySource(properties = "spring.datasource.url=jdbc:h2:mem:redis-down;DB_CLOSE_DELAY=-1")
class RedisDownAtCommitH2IntegrationTests extends RedisDownAtCommitIntegrationTests {

}
