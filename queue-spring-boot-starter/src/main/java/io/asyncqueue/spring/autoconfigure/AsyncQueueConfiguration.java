package io.asyncqueue.spring.autoconfigure;

import java.time.Duration;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.QueueTemplate;
import io.asyncqueue.spring.listener.QueueListenerRegistrar;
import io.asyncqueue.spring.observation.QueuePublishObservationConvention;
import io.asyncqueue.spring.transaction.PushDeferral;
import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.observation.ObservationRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The beans every application gets, producer or consumer: queues, Redis, serializer, client,
 * operations and template.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(RedisClient.class)
class AsyncQueueConfiguration {

	/**
	 * A misspelt key fails startup here, whichever of the beans below the application defines itself (its own
	 * {@code Queues} included).
	 */
	AsyncQueueConfiguration(Environment environment, AsyncQueueProperties properties) {
		UnknownPropertyCheck.check(environment);
		checkInterval("async-queue.queue-length-interval", properties.getQueueLengthInterval());
		checkInterval("async-queue.metrics.queue-depth-interval", properties.getMetrics().getQueueDepthInterval());
	}

	/** A sampling interval: 0 is off; a negative one was read as off, and one under 10 ms polls Redis constantly. */
	private static void checkInterval(String property, Duration interval) {
		if (interval.isNegative() || (!interval.isZero() && interval.toMillis() < 10)) {
			throw new AsyncQueueConfigurationException(property,
					property + " must be 0 (off) or at least 10ms, was " + interval + ".",
					"Set " + property + " to how often each queue's counts are read, such as 10s, or to 0 to turn it "
							+ "off.");
		}
	}

	@Bean
	@ConditionalOnMissingBean
	Queues asyncQueueQueues(AsyncQueueProperties properties, ObjectProvider<QueueSettingsCustomizer> customizers) {
		return new QueueSettingsFactory(properties, customizers.orderedStream().toList()).createQueues();
	}

	@Bean
	@ConditionalOnMissingBean
	JobSerializer asyncQueueJobSerializer(ObjectProvider<JsonMapper> jsonMapper) {
		JsonMapper mapper = jsonMapper.getIfUnique();
		return (mapper != null) ? new JobSerializer(mapper) : new JobSerializer();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	RedisConnector asyncQueueRedisConnector(ObjectProvider<DataRedisConnectionDetails> connectionDetails,
			ObjectProvider<DataRedisProperties> redisProperties,
			ObjectProvider<LettuceClientOptionsBuilderCustomizer> clientOptionsCustomizers,
			AsyncQueueProperties asyncQueueProperties) {
		DataRedisConnectionDetails details = connectionDetails.getIfAvailable();
		DataRedisProperties properties = redisProperties.getIfAvailable();
		if (details == null || properties == null) {
			throw new AsyncQueueConfigurationException(null,
					"async-queue takes its Redis settings from Spring Boot's Redis auto-configuration "
							+ "(DataRedisAutoConfiguration), which is not active in this application.",
					"Do not exclude DataRedisAutoConfiguration, or define an io.asyncqueue.core.redis.RedisConnector bean "
							+ "(for example RedisConnector.create(\"redis://localhost:6379\")).");
		}
		LettuceClientFactory factory = new LettuceClientFactory(details, properties, asyncQueueProperties.getCluster());
		// Resources of its own rather than Boot's shared ones: reconnects capped at 1 s (Lettuce's default
		// backs off to 30 s, leaving consumers idle long after an outage), and no span per engine command
		// (every fetch and idle wait would otherwise be a trace of its own; pushes and jobs have their own).
		ClientResources resources = RedisConnector.defaultClientResources();
		return new LazyRedisConnector(factory,
				() -> factory.createClient(resources, clientOptionsCustomizers.orderedStream().toList()), resources);
	}

	@Bean
	@ConditionalOnMissingBean
	QueueClient asyncQueueClient(RedisConnector redisConnector, JobSerializer serializer, Queues queues) {
		return new QueueClient(redisConnector, serializer, queues);
	}

	@Bean
	@ConditionalOnMissingBean
	QueueOperations asyncQueueOperations(RedisConnector redisConnector, JobSerializer serializer, Queues queues) {
		return new QueueOperations(redisConnector, serializer, queues);
	}

	@Bean
	@ConditionalOnMissingBean
	QueueTemplate queueTemplate(QueueClient client, Environment environment, AsyncQueueProperties properties,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<QueuePublishObservationConvention> observationConvention,
			ObjectProvider<PushDeferral> pushDeferral, ObjectProvider<QueueListenerRegistrar> listenerRegistrar) {
		QueueTemplate template = new QueueTemplate(client, environment::resolveRequiredPlaceholders);
		pushDeferral.ifUnique(template::setPushDeferral);
		listenerRegistrar.ifUnique(template::setJobCatalog);
		if (properties.getObservation().isEnabled()) {
			observationRegistry.ifUnique(template::setObservationRegistry);
			template.setObservationConvention(observationConvention.getIfUnique());
		}
		return template;
	}

	@Bean
	@ConditionalOnMissingBean
	QueueLengthPublisher asyncQueueLengthPublisher(AsyncQueueProperties properties, QueueOperations operations,
			ApplicationEventPublisher eventPublisher) {
		return new QueueLengthPublisher(operations, eventPublisher, properties.getQueueLengthInterval());
	}

}
