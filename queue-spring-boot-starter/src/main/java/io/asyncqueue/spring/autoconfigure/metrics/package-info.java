/**
 * Auto-configuration of Micrometer metrics for async-queue.
 */
@NullMarked
package io.asyncqueue.spring.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
