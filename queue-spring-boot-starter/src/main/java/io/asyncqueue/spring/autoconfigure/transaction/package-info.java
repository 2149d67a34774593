/**
 * Auto-configuration of pushes that follow the Spring transaction, and of the JDBC outbox.
 */
@NullMarked
package io.asyncqueue.spring.autoconfigure.transaction;

import org.jspecify.annotations.NullMarked;
