/**
 * Auto-configuration for async-queue: queues from {@code async-queue.*}, Redis from
 * {@code spring.data.redis.*}, the {@link io.asyncqueue.spring.QueueTemplate} and one consumer
 * container per queue that has jobs.
 */
@NullMarked
package io.asyncqueue.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
