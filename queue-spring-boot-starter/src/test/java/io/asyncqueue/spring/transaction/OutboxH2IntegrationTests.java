package io.asyncqueue.spring.transaction;

import org.springframework.test.context.TestPropertySource;

/**
 * {@link OutboxIntegrationTests} on H2, in memory.
 */
@TestPropertySource(properties = "spring.datasource.url=jdbc:h2:mem:outbox;DB_CLOSE_DELAY=-1")
class OutboxH2IntegrationTests extends OutboxIntegrationTests {

}
