package io.asyncqueue.core.schedule;

import java.time.Duration;
import java.time.Instant;

/**
 * What one claim of a schedule does, decided from its last claimed tick and the time: the oldest due tick
 * when it is within the misfire threshold (so a short delay is caught up tick by tick), otherwise the
 * latest due tick, with one job or none as the misfire policy says.
 *
 * @param tick the tick to claim
 * @param push whether to push a job for it
 * @param misfire whether ticks were missed
 * @param missed the ticks passed over without a job of their own
 * @param following the tick after the claimed one, or {@code null} for never
 */
record TickPlan(Instant tick, boolean push, boolean misfire, long missed, Instant following) {

	/** Counted one by one up to here; beyond, the search jumps ahead (a count is then a lower bound). */
	private static final int COUNTED = 10_000;

	private static final Duration[] JUMPS = { Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(1),
			Duration.ofDays(31), Duration.ofDays(366) };

	/**
	 * Plan the next claim.
	 * @param schedule the schedule
	 * @param last its last claimed tick
	 * @param now the time
	 * @return the plan, or {@code null} when no tick is due
	 */
	static TickPlan of(Schedule schedule, Instant last, Instant now) {
		Ticks ticks = schedule.ticks();
		Instant first = ticks.next(last);
		if (first == null || first.isAfter(now)) {
			return null;
		}
		if (!first.isBefore(now.minus(schedule.misfireThreshold()))) {
			return new TickPlan(first, true, false, 0, ticks.next(first));
		}
		Instant latest = first;
		long due = 1;
		Instant next = ticks.next(latest);
		while (next != null && !next.isAfter(now)) {
			latest = next;
			due++;
			if (due % COUNTED == 0) {
				latest = jump(ticks, latest, now);
			}
			next = ticks.next(latest);
		}
		boolean push = schedule.misfire() == MisfirePolicy.FIRE_ONCE;
		return new TickPlan(latest, push, true, push ? due - 1 : due, next);
	}

	/** A tick close before {@code now}, found from a short look back rather than by walking every tick. */
	private static Instant jump(Ticks ticks, Instant latest, Instant now) {
		for (Duration back : JUMPS) {
			Instant candidate = ticks.next(now.minus(back));
			if (candidate != null && !candidate.isAfter(now) && candidate.isAfter(latest)) {
				return candidate;
			}
		}
		return latest;
	}

}
