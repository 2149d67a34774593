package io.asyncqueue.dashboard.autoconfigure;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.asyncqueue.spring.AsyncQueueConfigurationException;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Without Spring Security nobody signs in and nothing checks CSRF: a read-only dashboard starts (with a
 * note), one with writes refuses to start unless the application opts into an unsecured dashboard. "Without"
 * is whenever {@link DashboardSecurityConfiguration} cannot apply: spring-security-web or spring-security-config
 * missing (with the web module alone, nothing would guard the dashboard's path).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(DashboardWithoutSecurityConfiguration.SecurityIncomplete.class)
class DashboardWithoutSecurityConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(DashboardWithoutSecurityConfiguration.class);

	DashboardWithoutSecurityConfiguration(AsyncQueueDashboardProperties properties) {
		if (!properties.isWritesEnabled()) {
			logger.info("The async-queue dashboard at {} is read-only and has no sign-in: Spring Security is not on "
					+ "the classpath", properties.getPath());
			return;
		}
		if (!properties.isAllowUnsecured()) {
			throw new AsyncQueueConfigurationException("async-queue.dashboard.writes-enabled",
					"async-queue.dashboard.writes-enabled is true but Spring Security is not on the classpath: anyone "
							+ "who reaches " + properties.getPath() + " could delete and retry jobs",
					"Add spring-boot-starter-security (the dashboard then requires a user with role "
							+ properties.getRole() + " and CSRF tokens), or set "
							+ "async-queue.dashboard.writes-enabled=false, or accept the risk with "
							+ "async-queue.dashboard.allow-unsecured=true");
		}
		logger.warn("The async-queue dashboard at {} takes writes WITHOUT authentication or CSRF protection "
				+ "(async-queue.dashboard.allow-unsecured=true): anyone who can reach it, or any web page one of its "
				+ "users opens, can delete, retry and pause jobs. Keep it off every untrusted network, or add Spring "
				+ "Security.", properties.getPath());
	}

	/** Matches unless both classes {@link DashboardSecurityConfiguration} needs are present. */
	static class SecurityIncomplete extends NoneNestedConditions {

		SecurityIncomplete() {
			super(ConfigurationPhase.PARSE_CONFIGURATION);
		}

		@ConditionalOnClass(name = { "org.springframework.security.web.SecurityFilterChain",
				"org.springframework.security.config.annotation.web.builders.HttpSecurity" })
		static class BothPresent {

		}

	}

}
