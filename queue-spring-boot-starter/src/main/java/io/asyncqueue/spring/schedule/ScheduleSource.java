package io.asyncqueue.spring.schedule;

import java.util.List;

import io.asyncqueue.core.schedule.Schedule;

/**
 * Schedules that beans contribute beyond {@code async-queue.schedules} and {@link Recurring @Recurring}
 * job classes, for instance from {@code @Recurring} listener methods: every bean of this type is asked once,
 * when the scheduler is built. Build each with a {@link ScheduleFactory}.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface ScheduleSource {

	/**
	 * The schedules to run.
	 * @param factory checks and builds schedules the way the properties' and annotations' are
	 * @return the schedules
	 */
	List<Schedule> schedules(ScheduleFactory factory);

}
