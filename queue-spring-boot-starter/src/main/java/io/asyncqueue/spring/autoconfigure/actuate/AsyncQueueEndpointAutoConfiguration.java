package io.asyncqueue.spring.autoconfigure.actuate;

import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.schedule.ScheduleOperations;
import io.asyncqueue.spring.QueueContainerRegistry;
import io.asyncqueue.spring.actuate.AsyncQueueEndpoint;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * {@link AsyncQueueEndpoint asyncqueue} actuator endpoint, when it is available (enabled and exposed).
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = AsyncQueueAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(QueueOperations.class)
@ConditionalOnAvailableEndpoint(AsyncQueueEndpoint.class)
public final class AsyncQueueEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AsyncQueueEndpoint asyncQueueEndpoint(QueueOperations operations,
			ObjectProvider<QueueContainerRegistry> containers, ObjectProvider<ScheduleOperations> schedules) {
		AsyncQueueEndpoint endpoint = new AsyncQueueEndpoint(operations, containers.getIfUnique());
		endpoint.setScheduleOperations(schedules.getIfUnique());
		return endpoint;
	}

}
