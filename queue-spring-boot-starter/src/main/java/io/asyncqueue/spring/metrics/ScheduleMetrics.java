package io.asyncqueue.spring.metrics;

import java.time.Instant;
import java.util.function.ToDoubleFunction;

import io.asyncqueue.core.schedule.QueueScheduler;
import io.asyncqueue.core.schedule.Schedule;
import io.asyncqueue.core.schedule.ScheduleState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Meters of every recurring job this application runs, tagged {@code schedule} and {@code queue}: gauges
 * {@value #LAST_TICK} and {@value #NEXT_TICK} (epoch seconds) and {@value #PAUSED} (1 or 0), counters
 * {@value #JOBS} (tag {@code kind}: {@code tick} or {@code trigger}) and {@value #MISSED}. They read what the
 * scheduler last saw of each schedule in Redis (every second), so a scrape never touches Redis. The counts
 * are the schedule's, shared by every instance: aggregate them across instances with {@code max}, not
 * {@code sum}. A gauge is {@code NaN} until the first read.
 *
 * @since 0.2.0
 */
public class ScheduleMetrics implements MeterBinder {

	/** The last tick claimed. */
	public static final String LAST_TICK = "asyncqueue.schedule.last.tick";

	/** The tick after it. */
	public static final String NEXT_TICK = "asyncqueue.schedule.next.tick";

	/** Whether the schedule is paused. */
	public static final String PAUSED = "asyncqueue.schedule.paused";

	/** Jobs pushed by the schedule, by every instance. */
	public static final String JOBS = "asyncqueue.schedule.jobs";

	/** Ticks missed (skipped, or folded into one job) after downtime or a pause. */
	public static final String MISSED = "asyncqueue.schedule.missed";

	private final @Nullable QueueScheduler scheduler;

	/**
	 * Meters of a scheduler's schedules.
	 * @param scheduler the scheduler, or {@code null} for none
	 */
	public ScheduleMetrics(@Nullable QueueScheduler scheduler) {
		this.scheduler = scheduler;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		QueueScheduler scheduler = this.scheduler;
		if (scheduler == null) {
			return;
		}
		for (Schedule schedule : scheduler.schedules()) {
			Tags tags = Tags.of("schedule", schedule.name(), "queue", schedule.queue());
			gauge(registry, LAST_TICK, "epoch seconds", scheduler, schedule, tags, (state) -> seconds(state.lastTick()));
			gauge(registry, NEXT_TICK, "epoch seconds", scheduler, schedule, tags, (state) -> seconds(state.nextTick()));
			gauge(registry, PAUSED, null, scheduler, schedule, tags, (state) -> state.paused() ? 1 : 0);
			counter(registry, JOBS, scheduler, schedule, tags.and("kind", "tick"), ScheduleState::pushes);
			counter(registry, JOBS, scheduler, schedule, tags.and("kind", "trigger"), ScheduleState::triggered);
			counter(registry, MISSED, scheduler, schedule, tags, ScheduleState::missed);
		}
	}

	private static void gauge(MeterRegistry registry, String name, @Nullable String unit, QueueScheduler scheduler,
			Schedule schedule, Tags tags, ToDoubleFunction<ScheduleState> value) {
		Gauge.builder(name, scheduler, (source) -> read(source, schedule, value)).baseUnit(unit).tags(tags).register(registry);
	}

	private static void counter(MeterRegistry registry, String name, QueueScheduler scheduler, Schedule schedule,
			Tags tags, ToDoubleFunction<ScheduleState> value) {
		FunctionCounter.builder(name, scheduler, (source) -> {
			double count = read(source, schedule, value);
			return Double.isNaN(count) ? 0 : count;
		}).tags(tags).register(registry);
	}

	private static double read(QueueScheduler scheduler, Schedule schedule, ToDoubleFunction<ScheduleState> value) {
		ScheduleState state = scheduler.states().get(schedule.name());
		return (state != null) ? value.applyAsDouble(state) : Double.NaN;
	}

	private static double seconds(@Nullable Instant instant) {
		return (instant != null) ? instant.toEpochMilli() / 1000.0 : Double.NaN;
	}

}
