package io.asyncqueue.dashboard;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the dashboard's script polls: the queues' counts and switches, and their history summed.
 *
 * @param queues the queues, in declaration order
 * @param hour one point per minute of the last hour, oldest first
 * @param day one point per hour of the last day, oldest first, or {@code null} when not asked for (the
 * script keeps the day it read first, updating its last hour from {@code hour})
 * @since 0.2.0
 */
public record Snapshot(List<QueueRow> queues, List<Point> hour, @Nullable List<Point> day) {

	/**
	 * Jobs settled in one minute or hour, summed over the queues shown.
	 *
	 * @param t when the minute or hour began, in seconds since the epoch
	 * @param processed jobs that completed
	 * @param failed jobs parked in failed
	 * @param retried failed attempts that will run again
	 */
	public record Point(long t, long processed, long failed, long retried) {

	}

}
