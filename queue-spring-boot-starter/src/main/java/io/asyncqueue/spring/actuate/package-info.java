/**
 * Actuator support for async-queue: the {@code asyncqueue} endpoint and the {@code asyncQueue} health
 * indicator.
 */
@NullMarked
package io.asyncqueue.spring.actuate;

import org.jspecify.annotations.NullMarked;
