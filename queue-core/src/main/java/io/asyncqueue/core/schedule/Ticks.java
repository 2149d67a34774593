package io.asyncqueue.core.schedule;

import java.time.Duration;
import java.time.Instant;

/**
 * When a schedule fires: its ticks, as instants. Every instance computes the same ticks from the same
 * definition, so the instances agree on which tick is due without talking to each other. The engine has
 * fixed rates; the Spring Boot starter adds cron expressions (Spring's {@code CronExpression}).
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface Ticks {

	/**
	 * The first tick strictly after an instant.
	 * @param after the instant
	 * @return the tick, or {@code null} when the schedule never fires again
	 */
	Instant next(Instant after);

	/**
	 * Ticks every {@code rate}, aligned to multiples of it since the epoch (UTC): a rate of one minute fires at
	 * the start of every minute, on every instance alike.
	 * @param rate the interval, at least one second and a whole number of milliseconds
	 * @return the ticks
	 * @throws IllegalArgumentException when the rate is shorter than a second
	 */
	static Ticks fixedRate(Duration rate) {
		if (rate.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException("A fixed rate must be at least 1s, not " + rate);
		}
		long millis = rate.toMillis();
		return (after) -> Instant.ofEpochMilli((Math.floorDiv(after.toEpochMilli(), millis) + 1) * millis);
	}

}
