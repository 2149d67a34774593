/**
 * Jobs declared on bean methods: {@link io.asyncqueue.spring.listener.QueueListener @QueueListener} methods
 * that handle pushed payloads, and {@link io.asyncqueue.spring.listener.AsyncQueueMessage @AsyncQueueMessage}
 * methods whose calls become jobs.
 */
@NullMarked
package io.asyncqueue.spring.listener;

import org.jspecify.annotations.NullMarked;
