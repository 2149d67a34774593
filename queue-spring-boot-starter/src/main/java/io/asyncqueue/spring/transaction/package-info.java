/**
 * Pushes that follow the Spring transaction: sent after commit and discarded on rollback, or written to
 * a JDBC outbox in the same transaction and relayed to Redis afterwards.
 */
@NullMarked
package io.asyncqueue.spring.transaction;

import org.jspecify.annotations.NullMarked;
