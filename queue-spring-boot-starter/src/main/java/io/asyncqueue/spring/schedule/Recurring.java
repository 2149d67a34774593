package io.asyncqueue.spring.schedule;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.asyncqueue.core.schedule.MisfirePolicy;

/**
 * Pushes the annotated job on a schedule: at each tick exactly one instance of the application pushes one
 * job, whatever the number of instances (JobRunr's {@code @Recurring}, the cluster-safe replacement for
 * {@code @Scheduled}). On a {@link io.asyncqueue.spring.QueueJob @QueueJob} class; the same schedule can be
 * declared under {@code async-queue.schedules.<name>} instead.
 *
 * <pre>{@code
 * @QueueJob(queue = "reports")
 * @Recurring(cron = "0 0 3 * * *", zone = "Europe/Paris")
 * class NightlyReportJob implements Job<Void> { ... }
 * }</pre>
 *
 * <p>Exactly one of {@link #cron()} and {@link #fixedRate()} is set. String attributes may hold
 * {@code ${...}} placeholders. Also allowed on methods, for listener methods that support it.
 *
 * @since 0.2.0
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Recurring {

	/**
	 * The schedule's name, unique in the application; empty for the job's name.
	 * @return the name
	 */
	String name() default "";

	/**
	 * A cron expression as Spring's {@code CronExpression} reads it (six fields, seconds first, or a macro
	 * such as {@code @hourly}).
	 * @return the expression, or empty with a fixed rate
	 */
	String cron() default "";

	/**
	 * The time zone of the cron expression; empty for UTC.
	 * @return the zone id, such as {@code Europe/Paris}
	 */
	String zone() default "";

	/**
	 * An interval, such as {@code "30s"}, at least one second: ticks at its multiples since the epoch (UTC).
	 * @return the interval, or empty with a cron expression
	 */
	String fixedRate() default "";

	/**
	 * The payload of every job, as JSON read into the job's payload type; empty for none ({@code null}).
	 * @return the JSON
	 */
	String payload() default "";

	/**
	 * The queue the jobs go to; empty for the job's own.
	 * @return the queue
	 */
	String queue() default "";

	/**
	 * What to do about ticks missed while every instance was down or the schedule was paused.
	 * @return the policy
	 */
	MisfirePolicy misfire() default MisfirePolicy.FIRE_ONCE;

	/**
	 * How late a tick may be pushed before it counts as missed, as a duration such as {@code "5s"}; empty for
	 * 5 seconds.
	 * @return the threshold
	 */
	String misfireThreshold() default "";

}
