package io.asyncqueue.spring.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for
 * async-queue: the queues declared under {@code async-queue.*}, a Lettuce connection built from Spring
 * Boot's {@code spring.data.redis.*} settings, the {@link io.asyncqueue.spring.QueueTemplate}, the
 * engine's {@link io.asyncqueue.core.QueueClient} and {@link io.asyncqueue.core.QueueOperations}, and
 * (unless {@code async-queue.consumer.enabled=false}) a
 * {@link io.asyncqueue.spring.QueueContainerRegistry} with one consumer per queue that has
 * {@link io.asyncqueue.spring.QueueJob @QueueJob} beans or listener methods
 * ({@link io.asyncqueue.spring.listener.QueueListener @QueueListener},
 * {@link io.asyncqueue.spring.listener.AsyncQueueMessage @AsyncQueueMessage}). Every bean backs off when the
 * application defines its own.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class,
		afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnBooleanProperty(name = "async-queue.enabled", matchIfMissing = true)
@EnableConfigurationProperties(AsyncQueueProperties.class)
@Import({ LettuceMissingConfiguration.class, AsyncQueueConfiguration.class, AsyncQueueListenerConfiguration.class,
		AsyncQueueConsumerConfiguration.class, AsyncQueueScheduleConfiguration.class })
public final class AsyncQueueAutoConfiguration {

}
