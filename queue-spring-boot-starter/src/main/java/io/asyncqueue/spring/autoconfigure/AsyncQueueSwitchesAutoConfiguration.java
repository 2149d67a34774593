package io.asyncqueue.spring.autoconfigure;

import java.util.List;

import io.asyncqueue.spring.AsyncQueueConfigurationException;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} that refuses a switch
 * of async-queue ({@code async-queue.enabled}, {@code async-queue.consumer.enabled}, ...) set to anything but
 * {@code true} or {@code false}.
 *
 * <p>Spring Boot's {@code @ConditionalOnBooleanProperty}, which these switches drive, reads only {@code true} as on,
 * while its binder also reads {@code yes}, {@code on} and {@code 1} as true: {@code async-queue.enabled=yes} in a
 * properties file or {@code ASYNCQUEUE_ENABLED=yes} would turn the whole starter off without a word, misspelt-key
 * check included, since that runs only when it is on. So this check stands apart from every switch, unconditional,
 * and runs before any bean is created (an application's bean that needs the starter's would otherwise fail first,
 * with a message about a missing bean), lazy initialization or not.
 *
 * @since 0.7.0
 */
@AutoConfiguration(before = AsyncQueueAutoConfiguration.class)
public final class AsyncQueueSwitchesAutoConfiguration {

	/** Every switch of the starters, each read by a {@code @ConditionalOnBooleanProperty}. */
	static final List<String> SWITCHES = List.of("async-queue.enabled", "async-queue.consumer.enabled",
			"async-queue.observation.enabled", "async-queue.outbox.enabled", "async-queue.dashboard.enabled");

	@Bean
	static BeanFactoryPostProcessor asyncQueueSwitchesCheck() {
		return new SwitchesCheck();
	}

	/**
	 * Fail when a switch is set to something other than {@code true} or {@code false}.
	 * @param environment the environment, whose relaxed forms (environment variables) count too
	 * @throws AsyncQueueConfigurationException naming the switch, what it was read as and the fix
	 */
	static void check(Environment environment) {
		Binder binder = Binder.get(environment);
		for (String name : SWITCHES) {
			binder.bind(name, String.class).ifBound((value) -> {
				if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
					throw new AsyncQueueConfigurationException(name, name + " is '" + value
							+ "', which Spring Boot's condition reads as false (off) whatever its binder makes of it: "
							+ "only true and false are accepted.", "Set " + name + " to true or false.");
				}
			});
		}
	}

	/** Runs the check once the environment is known and before any bean is created. */
	private static final class SwitchesCheck implements BeanFactoryPostProcessor, EnvironmentAware {

		private @Nullable Environment environment;

		@Override
		public void setEnvironment(Environment environment) {
			this.environment = environment;
		}

		@Override
		public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
			Environment environment = this.environment;
			if (environment != null) {
				check(environment);
			}
		}

	}

}
