/**
 * Micrometer meters for async-queue: job counters and timers from a
 * {@link io.asyncqueue.core.QueueObserver}, and queue depth gauges.
 */
@NullMarked
package io.asyncqueue.spring.metrics;

import org.jspecify.annotations.NullMarked;
