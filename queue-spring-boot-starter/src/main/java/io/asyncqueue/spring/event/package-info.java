/**
 * Immutable Spring {@link org.springframework.context.ApplicationEvent application events} about jobs
 * and queues, all extending {@link io.asyncqueue.spring.event.QueueEvent}.
 */
@NullMarked
package io.asyncqueue.spring.event;

import org.jspecify.annotations.NullMarked;
