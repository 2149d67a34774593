package io.asyncqueue.spring.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.QueueObserver;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.QueueContainerRegistry;
import io.asyncqueue.spring.listener.QueueListenerRegistrar;
import io.lettuce.core.RedisClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The consumers: one container per queue that has {@link io.asyncqueue.spring.QueueJob @QueueJob}
 * beans or listener methods, unless the application is producer-only.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(RedisClient.class)
@ConditionalOnBooleanProperty(name = "async-queue.consumer.enabled", matchIfMissing = true)
class AsyncQueueConsumerConfiguration {

	static final String REGISTRY_BEAN_NAME = "asyncQueueContainerRegistry";

	@Bean(name = REGISTRY_BEAN_NAME)
	@ConditionalOnMissingBean
	QueueContainerRegistry asyncQueueContainerRegistry(AsyncQueueProperties properties, Queues queues,
			RedisConnector redisConnector, JobSerializer serializer, ConfigurableListableBeanFactory beanFactory,
			ApplicationEventPublisher eventPublisher, Environment environment,
			ObjectProvider<QueueObserver> listeners, ObjectProvider<QueueWorkerCustomizer> customizers,
			ObjectProvider<QueueListenerRegistrar> listenerRegistrar) {
		QueueContainerFactory factory = new QueueContainerFactory(properties, queues, redisConnector, serializer,
				eventPublisher, environment, listeners.orderedStream().toList(),
				customizers.orderedStream().toList());
		// built once every singleton exists: the listener methods of beans created after this one count too
		return new QueueContainerRegistry(() -> {
			QueueListenerRegistrar registrar = listenerRegistrar.getIfAvailable();
			return factory.createContainers(beanFactory, REGISTRY_BEAN_NAME,
					(registrar != null) ? registrar.takeEndpoints() : List.of());
		});
	}

	@Bean
	@ConditionalOnMissingBean
	InstanceHeartbeatLifecycle asyncQueueInstanceHeartbeat(AsyncQueueProperties properties,
			RedisConnector redisConnector, QueueContainerRegistry containers) {
		Duration interval = properties.getConsumer().getHeartbeatInterval();
		if (interval.toMillis() < 1) {
			throw new AsyncQueueConfigurationException("async-queue.consumer.heartbeat-interval",
					"async-queue.consumer.heartbeat-interval must be positive, was " + interval,
					"Set async-queue.consumer.heartbeat-interval to a duration such as 10s");
		}
		return new InstanceHeartbeatLifecycle(redisConnector, containers, interval);
	}

}
