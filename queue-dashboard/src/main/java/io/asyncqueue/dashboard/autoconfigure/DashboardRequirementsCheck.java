package io.asyncqueue.dashboard.autoconfigure;

import io.asyncqueue.spring.AsyncQueueConfigurationException;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.context.annotation.Conditional;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} that fails startup when
 * {@code async-queue.dashboard.enabled} is set in an application that is not a servlet web application (a
 * reactive one, or {@code spring.main.web-application-type=none}): the dashboard is served by Spring MVC, and
 * without this the application would start with no dashboard and not a word about it.
 *
 * @since 0.2.0
 */
@AutoConfiguration
@ConditionalOnBooleanProperty("async-queue.dashboard.enabled")
@Conditional(DashboardRequirementsCheck.NotAServletWebApplication.class)
public final class DashboardRequirementsCheck {

	DashboardRequirementsCheck() {
		throw new AsyncQueueConfigurationException("async-queue.dashboard.enabled",
				"async-queue.dashboard.enabled is true but this application is not a servlet web application, so "
						+ "nothing can serve the dashboard (it is a Spring MVC application)",
				"Run the dashboard in a servlet web application (spring-boot-starter-webmvc, without "
						+ "spring.main.web-application-type=none or reactive), or remove async-queue.dashboard.enabled.");
	}

	static final class NotAServletWebApplication extends NoneNestedConditions {

		NotAServletWebApplication() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
		static final class ServletWebApplication {

		}

	}

}
