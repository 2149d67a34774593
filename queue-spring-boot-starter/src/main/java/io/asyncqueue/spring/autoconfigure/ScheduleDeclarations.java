package io.asyncqueue.spring.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.asyncqueue.core.schedule.Schedule;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.JobMetadata;
import io.asyncqueue.spring.QueueJob;
import io.asyncqueue.spring.schedule.Recurring;
import io.asyncqueue.spring.schedule.ScheduleFactory;
import io.asyncqueue.spring.schedule.ScheduleSource;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Gathers the application's schedules: {@code async-queue.schedules.*}, {@link Recurring @Recurring} on
 * {@link QueueJob @QueueJob} classes and {@link ScheduleSource} beans, each checked by the
 * {@link ScheduleFactory}, names unique.
 */
final class ScheduleDeclarations {

	private static final String PREFIX = "async-queue.schedules.";

	private final ScheduleFactory factory;

	private final UnaryOperator<String> placeholderResolver;

	ScheduleDeclarations(ScheduleFactory factory, UnaryOperator<String> placeholderResolver) {
		this.factory = factory;
		this.placeholderResolver = placeholderResolver;
	}

	List<Schedule> collect(Map<String, ScheduleProperties> properties, ConfigurableListableBeanFactory beanFactory,
			List<ScheduleSource> sources) {
		Map<String, JobMetadata> jobs = jobs(beanFactory);
		Map<String, String> origins = new LinkedHashMap<>();
		List<Schedule> schedules = new ArrayList<>();
		properties.forEach((name, schedule) -> add(schedules, origins,
				fromProperties(name, schedule, jobs, beanFactory.getBeanClassLoader()), PREFIX + name));
		for (JobMetadata job : jobs.values()) {
			Recurring recurring = AnnotatedElementUtils.findMergedAnnotation(job.jobClass(), Recurring.class);
			if (recurring != null) {
				add(schedules, origins, this.factory.fromAnnotation(recurring, job.name(), job.queues(),
						job.payloadType(), job.jobClass().getName()), "@Recurring on " + job.jobClass().getName());
			}
		}
		for (ScheduleSource source : sources) {
			for (Schedule schedule : source.schedules(this.factory)) {
				add(schedules, origins, schedule, source.toString());
			}
		}
		return schedules;
	}

	private Schedule fromProperties(String name, ScheduleProperties properties, Map<String, JobMetadata> jobs,
			ClassLoader classLoader) {
		String jobName = properties.getJob();
		if (jobName == null || jobName.isBlank()) {
			throw new AsyncQueueConfigurationException(PREFIX + name + ".job", "Schedule '" + name + "' names no job",
					"Set it to the name of a @QueueJob of this application: one of " + jobs.keySet() + ".");
		}
		JobMetadata job = jobs.get(jobName.trim());
		if (job == null && ClassUtils.isPresent(jobName.trim(), classLoader)) {
			job = JobMetadata.of(ClassUtils.resolveClassName(jobName.trim(), classLoader), this.placeholderResolver);
		}
		if (job == null) {
			throw new AsyncQueueConfigurationException(PREFIX + name + ".job",
					"Schedule '" + name + "': job '" + jobName + "' is not a @QueueJob of this application",
					"Name one of " + jobs.keySet() + ", or give a @QueueJob class's fully qualified name.");
		}
		return this.factory.create(new ScheduleFactory.Declaration(PREFIX + name, true, name, properties.getCron(),
				properties.getZone(), properties.getFixedRate(), job.name(), job.queues(), job.payloadType(),
				properties.getPayload(), properties.getQueue(), properties.getMisfire(),
				properties.getMisfireThreshold()));
	}

	private static void add(List<Schedule> schedules, Map<String, String> origins, Schedule schedule, String origin) {
		String previous = origins.putIfAbsent(schedule.name(), origin);
		if (previous != null) {
			throw new AsyncQueueConfigurationException(origin.startsWith(PREFIX) ? origin : null,
					"Two schedules are named '" + schedule.name() + "': " + previous + " and " + origin,
					"Give one of them a name of its own (@Recurring(name = \"...\") or another key under async-queue.schedules).");
		}
		schedules.add(schedule);
	}

	/** The application's {@code @QueueJob} classes by job name, read from their bean definitions' types. */
	private Map<String, JobMetadata> jobs(ConfigurableListableBeanFactory beanFactory) {
		Map<String, JobMetadata> jobs = new LinkedHashMap<>();
		for (String beanName : beanFactory.getBeanNamesForAnnotation(QueueJob.class)) {
			Class<?> type = beanFactory.getType(beanName, false);
			if (type != null) {
				JobMetadata job = JobMetadata.of(type, this.placeholderResolver);
				jobs.putIfAbsent(job.name(), job);
			}
		}
		return jobs;
	}

}
