/**
 * Auto-configuration of the async-queue actuator endpoint and health indicator.
 */
@NullMarked
package io.asyncqueue.spring.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
