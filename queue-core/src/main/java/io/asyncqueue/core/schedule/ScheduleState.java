package io.asyncqueue.core.schedule;

import java.time.Instant;
import java.util.Map;

/**
 * A schedule as Redis holds it, shared by every instance.
 *
 * @param name the schedule
 * @param queue the queue its jobs go to
 * @param spec when it fires, as the instances that run it describe it
 * @param jobName the job it pushes
 * @param misfire its misfire policy ({@code fire-once} or {@code skip})
 * @param lastTick the last tick claimed, with or without a job, or {@code null} before the first
 * @param nextTick the tick after it, or {@code null} when unknown or never
 * @param lastFired the tick (or trigger time) of the last job pushed, or {@code null}
 * @param lastJobId the id of the last job pushed, or {@code null}
 * @param paused whether it is paused
 * @param triggerPending whether a trigger-now request waits for an instance
 * @param pushes jobs pushed for ticks
 * @param missed ticks missed (skipped, or folded into one job)
 * @param triggered jobs pushed by trigger-now
 * @since 0.2.0
 */
public record ScheduleState(String name, String queue, String spec, String jobName, String misfire, Instant lastTick,
		Instant nextTick, Instant lastFired, String lastJobId, boolean paused, boolean triggerPending, long pushes,
		long missed, long triggered) {

	/**
	 * Read a schedule's hash.
	 * @param name the schedule
	 * @param queue its queue
	 * @param hash the hash's fields
	 * @return the state
	 */
	public static ScheduleState of(String name, String queue, Map<String, String> hash) {
		return new ScheduleState(name, queue, hash.getOrDefault("spec", ""), hash.getOrDefault("job-name", ""),
				hash.getOrDefault("misfire", ""), instant(hash.get("last")), instant(hash.get("next")),
				instant(hash.get("fired")), hash.get("job"), hash.containsKey("paused"), hash.containsKey("trigger"),
				count(hash.get("pushes")), count(hash.get("missed")), count(hash.get("triggered")));
	}

	private static Instant instant(String millis) {
		return (millis != null && !millis.isEmpty()) ? Instant.ofEpochMilli(Long.parseLong(millis)) : null;
	}

	private static long count(String value) {
		return (value != null) ? Long.parseLong(value) : 0;
	}

}
