package io.asyncqueue.dashboard.autoconfigure;

import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.schedule.ScheduleOperations;
import io.asyncqueue.dashboard.DashboardActions;
import io.asyncqueue.dashboard.DashboardApi;
import io.asyncqueue.dashboard.DashboardPages;
import io.asyncqueue.dashboard.DashboardReader;
import io.asyncqueue.dashboard.DashboardSettings;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.QueueContainerRegistry;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * dashboard in a servlet web application, when {@code async-queue.dashboard.enabled} is set. Ordered after
 * Spring Boot's security auto-configuration, so that the dashboard's own security filter chain (which covers
 * only its path) never makes Boot's default chain for the rest of the application back off.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = AsyncQueueAutoConfiguration.class,
		afterName = { "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty("async-queue.dashboard.enabled")
@ConditionalOnBean(QueueOperations.class)
@EnableConfigurationProperties(AsyncQueueDashboardProperties.class)
@Import({ DashboardSecurityConfiguration.class, DashboardWithoutSecurityConfiguration.class,
		DashboardAssetsConfiguration.class })
public final class AsyncQueueDashboardAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DashboardSettings asyncQueueDashboardSettings(AsyncQueueDashboardProperties properties) {
		String path = properties.getPath();
		if (path == null || !path.startsWith("/") || path.endsWith("/") || path.contains("*")) {
			throw new AsyncQueueConfigurationException("async-queue.dashboard.path",
					"async-queue.dashboard.path must start with a slash and not end with one, was '" + path + "'",
					"Set async-queue.dashboard.path to a path such as /async-queue");
		}
		String role = properties.getRole();
		if (role == null || role.isBlank() || role.startsWith("ROLE_")) {
			// Spring Security adds the ROLE_ prefix itself and refuses one given; a blank role is one nobody has
			throw new AsyncQueueConfigurationException("async-queue.dashboard.role",
					"async-queue.dashboard.role must be a role name without the ROLE_ prefix, was '" + role + "'",
					"Set async-queue.dashboard.role to a role such as ASYNC_QUEUE (users need the authority "
							+ "ROLE_ASYNC_QUEUE)");
		}
		if (properties.getRefreshInterval().toMillis() < 100) {
			throw new AsyncQueueConfigurationException("async-queue.dashboard.refresh-interval",
					"async-queue.dashboard.refresh-interval must be at least 100ms, was "
							+ properties.getRefreshInterval(),
					"Set async-queue.dashboard.refresh-interval to a duration such as 5s");
		}
		if (properties.getPageSize() < 1) {
			throw new AsyncQueueConfigurationException("async-queue.dashboard.page-size",
					"async-queue.dashboard.page-size must be at least 1, was " + properties.getPageSize(),
					"Set async-queue.dashboard.page-size to a number such as 25");
		}
		return new DashboardSettings(path, properties.isWritesEnabled(), properties.getRefreshInterval(),
				properties.getPageSize());
	}

	@Bean
	@ConditionalOnMissingBean
	DashboardReader asyncQueueDashboardReader(RedisConnector redisConnector, QueueOperations operations,
			ObjectProvider<ScheduleOperations> schedules) {
		return new DashboardReader(redisConnector, operations, schedules.getIfUnique());
	}

	@Bean
	@ConditionalOnMissingBean
	DashboardPages asyncQueueDashboardPages(DashboardReader reader, DashboardSettings settings,
			ObjectProvider<QueueContainerRegistry> containers) {
		return new DashboardPages(reader, settings, containers.getIfUnique(), JsonMapper.builder().build());
	}

	@Bean
	@ConditionalOnMissingBean
	DashboardApi asyncQueueDashboardApi(DashboardReader reader) {
		return new DashboardApi(reader);
	}

	@Bean
	@ConditionalOnMissingBean
	DashboardActions asyncQueueDashboardActions(QueueOperations operations, DashboardReader reader,
			DashboardSettings settings, ObjectProvider<ScheduleOperations> schedules) {
		return new DashboardActions(operations, reader, settings, schedules.getIfUnique());
	}

}
