package io.asyncqueue.spring.autoconfigure;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.schedule.QueueScheduler;
import io.asyncqueue.core.schedule.ScheduleOperations;
import io.asyncqueue.spring.schedule.RecurringJobScheduler;
import io.asyncqueue.spring.schedule.ScheduleFactory;
import io.asyncqueue.spring.schedule.ScheduleSource;
import io.lettuce.core.RedisClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Recurring jobs: the scheduler of {@code async-queue.schedules.*}, {@code @Recurring} jobs and
 * {@link ScheduleSource} beans (in every application, consumer or producer-only), and the operations on
 * schedules for the endpoint.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(RedisClient.class)
class AsyncQueueScheduleConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ScheduleOperations asyncQueueScheduleOperations(RedisConnector redisConnector, Queues queues) {
		return new ScheduleOperations(redisConnector, queues);
	}

	@Bean
	@ConditionalOnMissingBean
	ScheduleFactory asyncQueueScheduleFactory(Queues queues, JobSerializer serializer, Environment environment) {
		return new ScheduleFactory(queues, serializer, environment::resolveRequiredPlaceholders);
	}

	@Bean
	@ConditionalOnMissingBean
	RecurringJobScheduler asyncQueueRecurringJobScheduler(AsyncQueueProperties properties, Queues queues,
			RedisConnector redisConnector, JobSerializer serializer, ScheduleFactory factory,
			ConfigurableListableBeanFactory beanFactory, Environment environment,
			ObjectProvider<ScheduleSource> sources) {
		ScheduleDeclarations declarations = new ScheduleDeclarations(factory, environment::resolveRequiredPlaceholders);
		return new RecurringJobScheduler(new QueueScheduler(redisConnector, serializer, queues,
				declarations.collect(properties.getSchedules(), beanFactory, sources.orderedStream().toList())));
	}

}
