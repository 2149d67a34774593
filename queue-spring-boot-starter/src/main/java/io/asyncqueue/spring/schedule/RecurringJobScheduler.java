package io.asyncqueue.spring.schedule;

import java.util.List;
import java.util.Objects;

import io.asyncqueue.core.schedule.QueueScheduler;
import io.asyncqueue.core.schedule.Schedule;
import io.asyncqueue.spring.QueueContainerRegistry;

import org.springframework.context.SmartLifecycle;

/**
 * The application's recurring jobs as a {@link SmartLifecycle}: the engine's {@link QueueScheduler}, started
 * with the consumers (after the Redis connection) and stopped before it. Runs in every instance, consumer or
 * producer-only: each tick is pushed by exactly one of them.
 *
 * @since 0.2.0
 */
public class RecurringJobScheduler implements SmartLifecycle {

	private final QueueScheduler scheduler;

	/**
	 * A lifecycle over a scheduler.
	 * @param scheduler the scheduler
	 */
	public RecurringJobScheduler(QueueScheduler scheduler) {
		this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
	}

	/** The engine's scheduler, for its schedules and their last known states. */
	public QueueScheduler getScheduler() {
		return this.scheduler;
	}

	/** The schedules this application runs. */
	public List<Schedule> getSchedules() {
		return this.scheduler.schedules();
	}

	@Override
	public void start() {
		if (!this.scheduler.schedules().isEmpty()) {
			this.scheduler.start();
		}
	}

	@Override
	public void stop() {
		this.scheduler.stop();
	}

	@Override
	public boolean isRunning() {
		return this.scheduler.isRunning();
	}

	/** The consumers' phase: started after the Redis connection, stopped before it. */
	@Override
	public int getPhase() {
		return QueueContainerRegistry.DEFAULT_PHASE;
	}

	@Override
	public String toString() {
		return "RecurringJobScheduler[" + this.scheduler + "]";
	}

}
