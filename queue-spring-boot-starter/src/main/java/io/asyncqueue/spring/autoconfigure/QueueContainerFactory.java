package io.asyncqueue.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.asyncqueue.core.JobDefinition;
import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.QueueObserver;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.QueueWorker;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.ThreadFactories;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.Job;
import io.asyncqueue.spring.JobMetadata;
import io.asyncqueue.spring.QueueContainer;
import io.asyncqueue.spring.QueueJob;
import io.asyncqueue.spring.listener.QueueListenerEndpoint;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.Environment;

/**
 * Finds the {@link QueueJob @QueueJob} beans, checks them against the declared queues and builds one
 * {@link QueueContainer} per queue that has jobs.
 */
final class QueueContainerFactory {

	private static final Log logger = LogFactory.getLog(QueueContainerFactory.class);

	static final String SHUTDOWN_PHASE_TIMEOUT_PROPERTY = "spring.lifecycle.timeout-per-shutdown-phase";

	static final Duration DEFAULT_SHUTDOWN_PHASE_TIMEOUT = Duration.ofSeconds(30);

	private final AsyncQueueProperties properties;

	private final Queues queues;

	private final RedisConnector redisConnector;

	private final JobSerializer serializer;

	private final ApplicationEventPublisher eventPublisher;

	private final Environment environment;

	private final List<QueueObserver> observers;

	private final List<QueueWorkerCustomizer> customizers;

	QueueContainerFactory(AsyncQueueProperties properties, Queues queues, RedisConnector redisConnector,
			JobSerializer serializer, ApplicationEventPublisher eventPublisher, Environment environment,
			List<QueueObserver> observers, List<QueueWorkerCustomizer> customizers) {
		this.properties = properties;
		this.queues = queues;
		this.redisConnector = redisConnector;
		this.serializer = serializer;
		this.eventPublisher = eventPublisher;
		this.environment = environment;
		this.observers = observers;
		this.customizers = customizers;
	}

	List<QueueContainer> createContainers(ConfigurableListableBeanFactory beanFactory, String registryBeanName,
			List<QueueListenerEndpoint> endpoints) {
		Map<String, List<JobDefinition<?>>> jobsByQueue = collectJobs(beanFactory, registryBeanName, endpoints);
		Duration phaseTimeout = Binder.get(this.environment)
			.bind(SHUTDOWN_PHASE_TIMEOUT_PROPERTY, Duration.class)
			.orElse(DEFAULT_SHUTDOWN_PHASE_TIMEOUT);
		List<QueueContainer> containers = new ArrayList<>();
		for (QueueSettings queue : this.queues.all()) {
			List<JobDefinition<?>> jobs = jobsByQueue.get(queue.name());
			if (jobs == null) {
				logger.debug("Queue '" + queue.name() + "' has no job: this application does not consume it");
				continue;
			}
			containers.add(createContainer(queue, jobs, phaseTimeout));
		}
		return containers;
	}

	private QueueContainer createContainer(QueueSettings queue, List<JobDefinition<?>> jobs, Duration phaseTimeout) {
		QueueWorker.Builder builder = QueueWorker.builder(queue, this.redisConnector).serializer(this.serializer);
		if (Threading.VIRTUAL.isActive(this.environment)) {
			builder.threadFactory(ThreadFactories.virtual("async-queue-" + queue.name() + "-"));
		}
		this.observers.forEach(builder::observer);
		for (QueueWorkerCustomizer customizer : this.customizers) {
			customizer.customize(queue, builder);
		}
		boolean autoStartup = new QueueSettingsFactory(this.properties, List.of()).isAutoStartup(queue.name());
		return new QueueContainer(builder, jobs, this.eventPublisher, autoStartup, stopTimeout(queue, phaseTimeout));
	}

	/**
	 * The grace period of a stopping consumer: the queue's shutdown timeout, cut to end a little before
	 * Spring stops waiting for the shutdown phase, so that unfinished jobs are put back in time.
	 */
	static Duration stopTimeout(QueueSettings queue, Duration phaseTimeout) {
		Duration margin = phaseTimeout.dividedBy(4);
		if (margin.compareTo(Duration.ofSeconds(1)) > 0) {
			margin = Duration.ofSeconds(1);
		}
		Duration phaseBound = phaseTimeout.minus(margin);
		if (phaseBound.isNegative()) {
			phaseBound = Duration.ZERO;
		}
		return (queue.shutdownTimeout().compareTo(phaseBound) <= 0) ? queue.shutdownTimeout() : phaseBound;
	}

	private Map<String, List<JobDefinition<?>>> collectJobs(ConfigurableListableBeanFactory beanFactory,
			String registryBeanName, List<QueueListenerEndpoint> endpoints) {
		Set<String> beanNames = new LinkedHashSet<>(Arrays.asList(beanFactory.getBeanNamesForAnnotation(QueueJob.class)));
		beanNames.addAll(Arrays.asList(beanFactory.getBeanNamesForType(Job.class, true, false)));
		Jobs jobs = new Jobs();
		for (String beanName : beanNames) {
			Object bean = beanFactory.getBean(beanName);
			Class<?> type = AopProxyUtils.ultimateTargetClass(bean);
			if (!(bean instanceof Job<?> job)) {
				throw new AsyncQueueConfigurationException(null,
						"@QueueJob bean '" + beanName + "' (" + type.getName() + ") does not implement " + Job.class.getName(),
						"Make " + type.getName() + " implement Job<Payload>, where Payload is the type it handles.");
			}
			JobMetadata metadata = JobMetadata.of(type, this.environment::resolveRequiredPlaceholders);
			jobs.add(beanName, metadata, metadata.toDefinition(job));
			beanFactory.registerDependentBean(beanName, registryBeanName);
		}
		for (QueueListenerEndpoint endpoint : endpoints) {
			jobs.add(endpoint.getBeanName(), endpoint.getMetadata(),
					endpoint.getMetadata().toDefinition(endpoint.getHandler()));
			beanFactory.registerDependentBean(endpoint.getBeanName(), registryBeanName);
		}
		return jobs.byQueue;
	}

	/** The jobs by queue, every name once, every queue declared. */
	private final class Jobs {

		private final Map<String, List<JobDefinition<?>>> byQueue = new LinkedHashMap<>();

		private final Map<String, String> beanByJobName = new LinkedHashMap<>();

		private final Map<String, JobMetadata> metadataByJobName = new LinkedHashMap<>();

		void add(String beanName, JobMetadata metadata, JobDefinition<?> definition) {
			String otherBean = this.beanByJobName.putIfAbsent(metadata.name(), beanName);
			if (otherBean != null) {
				JobMetadata other = this.metadataByJobName.get(metadata.name());
				throw new AsyncQueueConfigurationException(null,
						"Two jobs are named '" + metadata.name() + "': bean '" + otherBean + "' (" + describe(other)
								+ ") and bean '" + beanName + "' (" + describe(metadata)
								+ "). A job's name routes every pushed job to its class.",
						"Give one of them a name of its own with @QueueJob(name = \"...\") (or the name attribute of "
								+ "@QueueListener or @AsyncQueueMessage), keeping the name in use for the one whose jobs "
								+ "may already wait in Redis; or remove the extra bean.");
			}
			this.metadataByJobName.put(metadata.name(), metadata);
			for (String queue : metadata.queues()) {
				if (!QueueContainerFactory.this.queues.contains(queue)) {
					List<String> declared = QueueContainerFactory.this.queues.all().stream().map(QueueSettings::name).toList();
					String property = QueueSettingsFactory.queueProperty(queue);
					throw new AsyncQueueConfigurationException(property,
							"Job '" + metadata.name() + "' (" + describe(metadata) + ") is bound to queue '" + queue
									+ "', which is not declared. Declared queues: " + declared + ".",
							"Declare the queue under " + property + " (in application.yml: async-queue.queues." + queue
									+ ": {} ), or change the queue of " + describe(metadata) + " to one of " + declared
									+ ".");
				}
				this.byQueue.computeIfAbsent(queue, (key) -> new ArrayList<>()).add(definition);
			}
		}

		/** A job class by its name, as before listener methods; a method by its declaration. */
		private static String describe(JobMetadata metadata) {
			return metadata.source().startsWith("@QueueJob on ") ? metadata.jobClass().getName() : metadata.source();
		}

	}

}
