/**
 * Recurring jobs: {@link io.asyncqueue.core.schedule.Schedule} (what to push, when),
 * {@link io.asyncqueue.core.schedule.QueueScheduler} (pushes each tick exactly once across every instance,
 * without a leader) and {@link io.asyncqueue.core.schedule.ScheduleOperations} (list, pause, resume,
 * trigger now).
 */
package io.asyncqueue.core.schedule;
