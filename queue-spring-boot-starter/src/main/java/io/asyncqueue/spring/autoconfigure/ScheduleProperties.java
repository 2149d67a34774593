package io.asyncqueue.spring.autoconfigure;

import java.time.Duration;

import io.asyncqueue.core.schedule.MisfirePolicy;
import io.asyncqueue.core.schedule.Schedule;
import org.jspecify.annotations.Nullable;

/**
 * One recurring job, under {@code async-queue.schedules.<name>}: exactly one of {@code cron} and
 * {@code fixed-rate}.
 *
 * @since 0.2.0
 */
public class ScheduleProperties {

	/**
	 * Cron expression as Spring's CronExpression reads it: six fields, seconds first, or a macro such as
	 * "@hourly".
	 */
	private @Nullable String cron;

	/**
	 * Time zone of the cron expression. UTC when unset, so that every instance agrees whatever its own zone. Refused
	 * beside fixed-rate, where it would have no effect.
	 */
	private @Nullable String zone;

	/**
	 * Interval between ticks, at least 1s, aligned to its multiples since the epoch (UTC). Instead of a cron
	 * expression.
	 */
	private @Nullable Duration fixedRate;

	/**
	 * Logical name of the job pushed at each tick (its @QueueJob name), or its class's fully qualified name.
	 */
	private @Nullable String job;

	/**
	 * Payload of every job, as JSON read into the job's payload type. None (null) when unset.
	 */
	private @Nullable String payload;

	/**
	 * Queue the jobs go to. The job's own queue when unset.
	 */
	private @Nullable String queue;

	/**
	 * What to do about ticks missed while every instance was down, the schedule paused or the queue closed
	 * for pushes: "fire-once" pushes one job for them, "skip" none.
	 */
	private MisfirePolicy misfire = MisfirePolicy.FIRE_ONCE;

	/**
	 * How late a tick may be pushed before it counts as missed; ticks within it are all pushed. At least 1s.
	 */
	private Duration misfireThreshold = Schedule.DEFAULT_MISFIRE_THRESHOLD;

	public @Nullable String getCron() {
		return this.cron;
	}

	public void setCron(@Nullable String cron) {
		this.cron = cron;
	}

	public @Nullable String getZone() {
		return this.zone;
	}

	public void setZone(@Nullable String zone) {
		this.zone = zone;
	}

	public @Nullable Duration getFixedRate() {
		return this.fixedRate;
	}

	public void setFixedRate(@Nullable Duration fixedRate) {
		this.fixedRate = fixedRate;
	}

	public @Nullable String getJob() {
		return this.job;
	}

	public void setJob(@Nullable String job) {
		this.job = job;
	}

	public @Nullable String getPayload() {
		return this.payload;
	}

	public void setPayload(@Nullable String payload) {
		this.payload = payload;
	}

	public @Nullable String getQueue() {
		return this.queue;
	}

	public void setQueue(@Nullable String queue) {
		this.queue = queue;
	}

	public MisfirePolicy getMisfire() {
		return this.misfire;
	}

	public void setMisfire(MisfirePolicy misfire) {
		this.misfire = misfire;
	}

	public Duration getMisfireThreshold() {
		return this.misfireThreshold;
	}

	public void setMisfireThreshold(Duration misfireThreshold) {
		this.misfireThreshold = misfireThreshold;
	}

}
