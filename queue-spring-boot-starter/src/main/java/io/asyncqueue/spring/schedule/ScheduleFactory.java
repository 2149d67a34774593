package io.asyncqueue.spring.schedule;

import java.lang.reflect.Type;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.schedule.MisfirePolicy;
import io.asyncqueue.core.schedule.Schedule;
import io.asyncqueue.core.schedule.Ticks;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.scheduling.support.CronExpression;

/**
 * Checks a schedule's declaration and builds it: the cron expression (Spring's {@link CronExpression}) or
 * fixed rate, the zone, the queue, and the payload read into the job's payload type, so that a schedule that
 * could never push a job its consumer reads stops the application at startup, naming what to fix.
 *
 * @since 0.2.0
 */
public final class ScheduleFactory {

	private final Queues queues;

	private final JobSerializer serializer;

	private final UnaryOperator<String> placeholderResolver;

	/**
	 * A factory.
	 * @param queues the declared queues
	 * @param serializer reads payloads with the application's JSON mapper
	 * @param placeholderResolver resolves {@code ${...}} placeholders in annotations
	 */
	public ScheduleFactory(Queues queues, JobSerializer serializer, UnaryOperator<String> placeholderResolver) {
		this.queues = queues;
		this.serializer = serializer;
		this.placeholderResolver = placeholderResolver;
	}

	/**
	 * A schedule declared by a {@link Recurring @Recurring} annotation.
	 * @param recurring the annotation
	 * @param jobName the job it pushes
	 * @param jobQueues the job's queues, its default first
	 * @param payloadType the job's payload type
	 * @param location where the annotation is, for messages, such as {@code com.example.ReportJob}
	 * @return the schedule
	 * @throws AsyncQueueConfigurationException when the annotation is invalid
	 */
	public Schedule fromAnnotation(Recurring recurring, String jobName, List<String> jobQueues, Type payloadType,
			String location) {
		String name = resolve(recurring.name());
		String queue = resolve(recurring.queue());
		String fixedRate = resolve(recurring.fixedRate());
		String threshold = resolve(recurring.misfireThreshold());
		Declaration declaration = new Declaration("@Recurring on " + location, false,
				name.isEmpty() ? jobName : name, resolve(recurring.cron()), resolve(recurring.zone()),
				fixedRate.isEmpty() ? null : duration(location, "fixedRate", fixedRate), jobName, jobQueues,
				payloadType, resolve(recurring.payload()), queue.isEmpty() ? null : queue, recurring.misfire(),
				threshold.isEmpty() ? null : duration(location, "misfireThreshold", threshold));
		return create(declaration);
	}

	/**
	 * A schedule.
	 * @param declaration what was declared
	 * @return the schedule
	 * @throws AsyncQueueConfigurationException when the declaration is invalid
	 */
	public Schedule create(Declaration declaration) {
		String queue = (declaration.queue() != null) ? declaration.queue() : declaration.jobQueues().get(0);
		if (!this.queues.contains(queue)) {
			throw declaration.invalid("queue", "'" + queue + "' is not declared",
					"Declare it under async-queue.queues, or name one of " + names(this.queues) + ".");
		}
		if (!declaration.jobQueues().contains(queue)) {
			throw declaration.invalid("queue", "'" + queue + "' does not run job '" + declaration.jobName()
					+ "' (its queues are " + declaration.jobQueues() + ")",
					"Name one of " + declaration.jobQueues() + ", or add '" + queue + "' to the job's @QueueJob(queue = ...).");
		}
		boolean hasCron = declaration.cron() != null && !declaration.cron().isBlank();
		if (hasCron == (declaration.fixedRate() != null)) {
			throw declaration.invalid(hasCron ? "fixed-rate" : "cron",
					hasCron ? "is set as well as cron" : "is not set, nor is " + declaration.attribute("fixed-rate"),
					"Set exactly one: cron (such as \"0 */5 * * * *\") or fixed-rate (such as 30s).");
		}
		Ticks ticks;
		String spec;
		if (hasCron) {
			ZoneId zone = zone(declaration);
			CronExpression cron;
			try {
				cron = CronExpression.parse(declaration.cron().trim());
			}
			catch (IllegalArgumentException ex) {
				throw declaration.invalid("cron", "'" + declaration.cron() + "' is not a cron expression: " + ex.getMessage(),
						"Use Spring's six fields, seconds first (\"0 0 3 * * *\" is 03:00 every day), or a macro such as @hourly.");
			}
			ticks = (after) -> {
				var next = cron.next(after.atZone(zone));
				return (next != null) ? next.toInstant() : null;
			};
			spec = "cron " + declaration.cron().trim() + " " + zone;
		}
		else {
			if (declaration.zone() != null && !declaration.zone().isBlank()) {
				throw declaration.invalid("zone", "is set on a fixed-rate schedule, where it has no effect (a fixed rate "
						+ "ticks at multiples of its interval since the epoch, whatever the zone)",
						"Remove zone, or use cron (a zone applies to a cron expression).");
			}
			if (declaration.fixedRate().compareTo(Duration.ofSeconds(1)) < 0) {
				throw declaration.invalid("fixed-rate",
						print(declaration.fixedRate()) + " is shorter than a second",
						"Use 1s or more.");
			}
			ticks = Ticks.fixedRate(declaration.fixedRate());
			spec = "every " + print(declaration.fixedRate());
		}
		Duration threshold = (declaration.misfireThreshold() != null) ? declaration.misfireThreshold()
				: Schedule.DEFAULT_MISFIRE_THRESHOLD;
		if (threshold.compareTo(Duration.ofSeconds(1)) < 0) {
			throw declaration.invalid("misfire-threshold", print(threshold) + " is shorter than a second",
					"Use 1s or more: a tick is normally pushed up to a second late.");
		}
		Object payload = payload(declaration);
		try {
			return new Schedule(declaration.name(), queue, declaration.jobName(), payload, ticks, spec,
					declaration.misfire(), threshold);
		}
		catch (IllegalArgumentException ex) {
			throw declaration.invalidName(ex.getMessage());
		}
	}

	private ZoneId zone(Declaration declaration) {
		if (declaration.zone() == null || declaration.zone().isBlank()) {
			return ZoneOffset.UTC;
		}
		try {
			return ZoneId.of(declaration.zone().trim());
		}
		catch (DateTimeException ex) {
			throw declaration.invalid("zone", "'" + declaration.zone() + "' is not a time zone: " + ex.getMessage(),
					"Use a region id such as Europe/Paris, or UTC.");
		}
	}

	private @Nullable Object payload(Declaration declaration) {
		String json = declaration.payload();
		if (json == null || json.isBlank()) {
			return null;
		}
		try {
			return this.serializer.mapper().readValue(json,
					this.serializer.mapper().getTypeFactory().constructType(declaration.payloadType()));
		}
		catch (JacksonException ex) {
			throw declaration.invalid("payload", "'" + json + "' is not a " + declaration.payloadType().getTypeName()
					+ ": " + ex.getOriginalMessage(),
					"Write the payload as the JSON of the job's payload type, such as {\"item\": 1}.");
		}
	}

	private String resolve(String value) {
		return this.placeholderResolver.apply(value).trim();
	}

	private static Duration duration(String location, String attribute, String value) {
		try {
			return DurationStyle.detectAndParse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new AsyncQueueConfigurationException(null,
					"@Recurring on " + location + ": " + attribute + " '" + value + "' is not a duration",
					"Use a duration such as \"30s\" or \"PT1M\".");
		}
	}

	/** A duration in its largest whole unit: {@code 1s}, {@code 90s}, {@code 5m}, {@code 100ms}. */
	private static String print(Duration duration) {
		for (ChronoUnit unit : List.of(ChronoUnit.DAYS, ChronoUnit.HOURS, ChronoUnit.MINUTES, ChronoUnit.SECONDS)) {
			if (!duration.isZero() && duration.toMillis() % unit.getDuration().toMillis() == 0) {
				return DurationStyle.SIMPLE.print(duration, unit);
			}
		}
		return DurationStyle.SIMPLE.print(duration, ChronoUnit.MILLIS);
	}

	private static List<String> names(Queues queues) {
		return queues.all().stream().map((queue) -> queue.name()).toList();
	}

	/**
	 * A schedule as declared, before it is checked.
	 *
	 * @param origin where it was declared: the property prefix, such as {@code async-queue.schedules.report},
	 * or a description, such as {@code @Recurring on com.example.ReportJob}
	 * @param property whether the origin is a property prefix
	 * @param name the schedule's name
	 * @param cron the cron expression, or {@code null}
	 * @param zone the cron's zone, or {@code null} for UTC
	 * @param fixedRate the fixed rate, or {@code null}
	 * @param jobName the job it pushes
	 * @param jobQueues the job's queues, its default first
	 * @param payloadType the job's payload type
	 * @param payload the payload as JSON, or {@code null}
	 * @param queue the queue, or {@code null} for the job's default
	 * @param misfire the misfire policy
	 * @param misfireThreshold the misfire threshold, or {@code null} for the default
	 */
	public record Declaration(String origin, boolean property, String name, @Nullable String cron,
			@Nullable String zone, @Nullable Duration fixedRate, String jobName, List<String> jobQueues,
			Type payloadType, @Nullable String payload, @Nullable String queue, MisfirePolicy misfire,
			@Nullable Duration misfireThreshold) {

		public Declaration {
			Objects.requireNonNull(origin, "origin");
			Objects.requireNonNull(name, "name");
			Objects.requireNonNull(jobName, "jobName");
			jobQueues = List.copyOf(jobQueues);
			Objects.requireNonNull(payloadType, "payloadType");
			Objects.requireNonNull(misfire, "misfire");
		}

		/** The name is the property key itself, so the property named is the key's, in the bracket form. */
		AsyncQueueConfigurationException invalidName(String problem) {
			String property = this.property ? "async-queue.schedules[" + this.name + "]" : null;
			String fix = this.name.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^\\.+$", "schedule");
			return new AsyncQueueConfigurationException(property, "Schedule '" + this.name + "' (" + this.origin + "): "
					+ problem, "Rename it" + (this.property ? " (its key under async-queue.schedules)" : " (its name attribute)")
							+ ", e.g. to '" + fix + "'.");
		}

		AsyncQueueConfigurationException invalid(String attribute, String problem, String action) {
			if (this.property) {
				return new AsyncQueueConfigurationException(this.origin + "." + attribute,
						"Schedule '" + this.name + "': " + attribute + " " + problem, action);
			}
			return new AsyncQueueConfigurationException(null, this.origin + ": " + attribute(attribute) + " " + problem,
					action);
		}

		/** An attribute as the declaration spells it: {@code fixed-rate} in properties, {@code fixedRate} in code. */
		String attribute(String kebab) {
			if (this.property) {
				return kebab;
			}
			return Pattern.compile("-([a-z])")
				.matcher(kebab)
				.replaceAll((dash) -> dash.group(1).toUpperCase(Locale.ROOT));
		}

	}

}
