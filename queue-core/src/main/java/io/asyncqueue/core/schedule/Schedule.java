package io.asyncqueue.core.schedule;

import java.time.Duration;
import java.util.Objects;

/**
 * A recurring job: at each of its ticks exactly one instance pushes one job of {@code jobName} with
 * {@code payload} to {@code queue}. The job carries the headers {@value #SCHEDULE_HEADER} (the schedule's
 * name), {@value #TICK_HEADER} (the tick, epoch ms) and {@value #KIND_HEADER} ({@code tick}, {@code misfire}
 * or {@code trigger}).
 *
 * @param name the schedule's name, unique per queue (letters, digits, {@code -}, {@code _}, {@code .})
 * @param queue the queue the jobs go to
 * @param jobName the logical name of the job pushed
 * @param payload the payload of every job, or {@code null}
 * @param ticks when it fires
 * @param spec how operators see the ticks, such as {@code cron 0 0 3 * * * Europe/Paris} or {@code every 1s}
 * @param misfire what to do about missed ticks
 * @param misfireThreshold how late a tick may be claimed before it counts as missed, at least a second
 * @since 0.2.0
 */
public record Schedule(String name, String queue, String jobName, Object payload, Ticks ticks, String spec,
		MisfirePolicy misfire, Duration misfireThreshold) {

	/** The header naming the schedule that pushed a job. */
	public static final String SCHEDULE_HEADER = "schedule";

	/** The header holding the tick (epoch ms) a job was pushed for. */
	public static final String TICK_HEADER = "schedule-tick";

	/** The header saying why a job was pushed: {@code tick}, {@code misfire} or {@code trigger}. */
	public static final String KIND_HEADER = "schedule-kind";

	/** A misfire threshold that suits most schedules. */
	public static final Duration DEFAULT_MISFIRE_THRESHOLD = Duration.ofSeconds(5);

	/**
	 * Check the definition.
	 * @throws IllegalArgumentException when a part is missing or invalid
	 */
	public Schedule {
		Objects.requireNonNull(name, "name");
		// one path segment of the dashboard's action URLs: an encoded '/' is refused by servers and firewalls, and
		// '.' or '..' is normalized away
		if (!name.matches("[A-Za-z0-9._-]+") || name.equals(".") || name.equals("..")) {
			throw new IllegalArgumentException("A schedule's name may hold letters, digits, '-', '_' and '.' (not only "
					+ "dots), as it is one segment of the dashboard's URLs, not '" + name + "'");
		}
		Objects.requireNonNull(queue, "queue");
		Objects.requireNonNull(jobName, "jobName");
		Objects.requireNonNull(ticks, "ticks");
		Objects.requireNonNull(spec, "spec");
		Objects.requireNonNull(misfire, "misfire");
		Objects.requireNonNull(misfireThreshold, "misfireThreshold");
		if (misfireThreshold.compareTo(QueueScheduler.POLL_INTERVAL) < 0) {
			// a tick is claimed up to a poll interval late in the normal course of things
			throw new IllegalArgumentException("A misfire threshold must be at least "
					+ QueueScheduler.POLL_INTERVAL.toSeconds() + "s, not " + misfireThreshold);
		}
	}

}
