/**
 * The Spring face of async-queue: {@link io.asyncqueue.spring.QueueJob @QueueJob} job beans, the
 * {@link io.asyncqueue.spring.QueueTemplate} that pushes them, and the per-queue
 * {@link io.asyncqueue.spring.QueueContainer containers} that run them.
 */
@NullMarked
package io.asyncqueue.spring;

import org.jspecify.annotations.NullMarked;
