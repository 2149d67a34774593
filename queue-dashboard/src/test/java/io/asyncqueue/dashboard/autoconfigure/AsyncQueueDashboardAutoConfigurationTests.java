package io.asyncqueue.dashboard.autoconfigure;

import io.asyncqueue.dashboard.DashboardPages;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;
import io.asyncqueue.test.EmbeddedRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AsyncQueueDashboardAutoConfiguration}: off unless enabled, and never an unsecured dashboard
 * that takes writes unless the application says so.
 */
@EmbeddedRedis
@ExtendWith(OutputCaptureExtension.class)
class AsyncQueueDashboardAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
				AsyncQueueAutoConfiguration.class, AsyncQueueDashboardAutoConfiguration.class,
				DashboardRequirementsCheck.class))
		.withPropertyValues("async-queue.consumer.enabled=false");

	private final WebApplicationContextRunner withoutSecurity = this.runner
		.withClassLoader(new FilteredClassLoader(SecurityFilterChain.class));

	@Test
	void isOffUnlessEnabled() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DashboardPages.class));
	}

	@Test
	void enabledInAnApplicationThatIsNotAServletWebApplicationFailsStartupNamingTheProperty() {
		AutoConfigurations configurations = AutoConfigurations.of(DataRedisAutoConfiguration.class,
				JacksonAutoConfiguration.class, AsyncQueueAutoConfiguration.class,
				AsyncQueueDashboardAutoConfiguration.class, DashboardRequirementsCheck.class);
		new ApplicationContextRunner().withConfiguration(configurations)
			.withPropertyValues("async-queue.consumer.enabled=false", "async-queue.dashboard.enabled=true")
			.run(DashboardRequirementsCheckAssertions::failsNamingTheProperty);
		new ReactiveWebApplicationContextRunner().withConfiguration(configurations)
			.withPropertyValues("async-queue.consumer.enabled=false", "async-queue.dashboard.enabled=true")
			.run(DashboardRequirementsCheckAssertions::failsNamingTheProperty);
		// not enabled: nothing to say
		new ApplicationContextRunner().withConfiguration(configurations)
			.withPropertyValues("async-queue.consumer.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void withoutSpringSecurityAReadOnlyDashboardStarts(CapturedOutput output) {
		this.withoutSecurity.withPropertyValues("async-queue.dashboard.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(DashboardPages.class));
		assertThat(output).contains("is read-only and has no sign-in");
	}

	@Test
	void withoutSpringSecurityWritesRefuseToStart() {
		writesRefuseToStart(this.withoutSecurity);
	}

	@Test
	void withSpringSecuritysWebModuleButNotItsConfigurationWritesRefuseToStartToo() {
		// nothing could build the dashboard's filter chain: it would take writes with no sign-in
		writesRefuseToStart(this.runner.withClassLoader(new FilteredClassLoader(HttpSecurity.class)));
	}

	private static void writesRefuseToStart(WebApplicationContextRunner runner) {
		runner.withPropertyValues("async-queue.dashboard.enabled=true", "async-queue.dashboard.writes-enabled=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(AsyncQueueConfigurationException.class)
					.hasMessageContaining("async-queue.dashboard.writes-enabled is true but Spring Security is not on the classpath");
				assertThat(((AsyncQueueConfigurationException) rootCause(context.getStartupFailure())).getAction())
					.contains("async-queue.dashboard.allow-unsecured=true");
			});
	}

	@Test
	void withoutSpringSecurityWritesStartWhenExplicitlyUnsecuredAndSayWhyThatIsDangerous(CapturedOutput output) {
		this.withoutSecurity
			.withPropertyValues("async-queue.dashboard.enabled=true", "async-queue.dashboard.writes-enabled=true",
					"async-queue.dashboard.allow-unsecured=true")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(DashboardPages.class));
		assertThat(output).contains("takes writes WITHOUT authentication or CSRF protection");
	}

	@Test
	void withSpringSecurityTheDashboardHasItsOwnFilterChainBesideBootsDefault() {
		this.runner.withPropertyValues("async-queue.dashboard.enabled=true", "async-queue.dashboard.writes-enabled=true")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasBean(DashboardSecurityConfiguration.FILTER_CHAIN_BEAN_NAME)
				.getBeans(SecurityFilterChain.class)
				.hasSize(2));
	}

	@Test
	void aPathWithoutLeadingSlashFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("async-queue.dashboard.enabled=true", "async-queue.dashboard.path=queues/")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("async-queue.dashboard.path must start with a slash");
			});
	}

	@Test
	void aRoleWithItsPrefixOrNoneFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("async-queue.dashboard.enabled=true", "async-queue.dashboard.role=ROLE_ADMIN")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("async-queue.dashboard.role must be a role name without the ROLE_ prefix"));
	}

	@Test
	void aMisspeltDashboardKeyFailsStartupNamingTheNearestOne() {
		this.runner.withPropertyValues("async-queue.dashboard.enable=true")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(AsyncQueueConfigurationException.class)
				.hasMessageContaining("'enable' is not a setting of async-queue.dashboard; did you mean 'enabled'?"));
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private static final class DashboardRequirementsCheckAssertions {

		static void failsNamingTheProperty(org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider<?> context) {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(AsyncQueueConfigurationException.class)
				.hasMessageContaining("async-queue.dashboard.enabled is true but this application is not a servlet web "
						+ "application");
			assertThat(((AsyncQueueConfigurationException) rootCause(context.getStartupFailure())).getAction())
				.contains("or remove async-queue.dashboard.enabled");
		}

	}

}
