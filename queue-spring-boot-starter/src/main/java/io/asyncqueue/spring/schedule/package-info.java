/**
 * Recurring jobs in a Spring Boot application: {@link io.asyncqueue.spring.schedule.Recurring @Recurring},
 * {@code async-queue.schedules.*} and the {@link io.asyncqueue.spring.schedule.RecurringJobScheduler}
 * lifecycle over the engine's {@link io.asyncqueue.core.schedule.QueueScheduler}.
 */
@NullMarked
package io.asyncqueue.spring.schedule;

import org.jspecify.annotations.NullMarked;
