package io.asyncqueue.spring.autoconfigure;

import java.util.Map;

import io.asyncqueue.spring.QueueTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link AsyncQueueSwitchesAutoConfiguration}: a switch set to anything but true or false stops startup
 * rather than turning the starter (or a part of it) off in silence.
 */
@ExtendWith(OutputCaptureExtension.class)
class AsyncQueueSwitchesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncQueueSwitchesAutoConfiguration.class,
				DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class, AsyncQueueAutoConfiguration.class));

	@ParameterizedTest
	@ValueSource(strings = { "yes", "on", "1", "enabled" })
	void aSwitchTheConditionWouldReadAsOffWithoutAWordIsRefused(String value) {
		assertRefused(this.runner.withPropertyValues("async-queue.enabled=" + value), "async-queue.enabled");
	}

	@Test
	void everySwitchIsChecked() {
		for (String name : AsyncQueueSwitchesAutoConfiguration.SWITCHES) {
			assertRefused(this.runner.withPropertyValues("async-queue.consumer.enabled=false", name + "=no"), name);
		}
	}

	@Test
	void environmentVariablesAreCheckedToo() {
		assertRefused(this.runner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					Map.of("ASYNCQUEUE_ENABLED", "yes")))), "async-queue.enabled");
	}

	@Test
	void theSwitchIsNamedBeforeAnApplicationBeanMissesTheStartersOnes() {
		assertRefused(this.runner.withBean(NeedsTemplate.class).withPropertyValues("async-queue.enabled=yes"),
				"async-queue.enabled");
		assertRefused(this.runner.withPropertyValues("async-queue.enabled=on")
			.withInitializer((context) -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor())),
				"async-queue.enabled");
	}

	@Test
	void trueAndFalseInAnyCaseAreAccepted() {
		this.runner.withPropertyValues("async-queue.enabled=FALSE").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(QueueTemplate.class);
		});
		this.runner.withPropertyValues("async-queue.enabled=True", "async-queue.consumer.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(QueueTemplate.class);
			});
	}

	@Test
	void failureAnalysisSaysWhereTheSwitchWasSet(CapturedOutput output) {
		SpringApplication application = new SpringApplication(Application.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--async-queue.enabled=yes"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("async-queue.enabled is 'yes', which Spring Boot's condition reads as false (off) whatever its "
					+ "binder makes of it: only true and false are accepted.")
			.contains("Value: \"yes\"")
			.contains("Origin: \"async-queue.enabled\" from property source \"commandLineArgs\"")
			.contains("Set async-queue.enabled to true or false.");
	}

	private static void assertRefused(ApplicationContextRunner runner, String property) {
		runner.run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new AsyncQueueFailureAnalyzer(null).analyze(context.getStartupFailure());
			assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
			assertThat(analysis.getDescription()).startsWith(property + " is '");
			assertThat(analysis.getAction()).isEqualTo("Set " + property + " to true or false.");
		});
	}

	static class NeedsTemplate {

		NeedsTemplate(QueueTemplate template) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
