package io.asyncqueue.spring.autoconfigure;

import io.asyncqueue.core.QueueSettings;

/**
 * Callback for beans that customize the settings of each declared queue after the
 * {@code async-queue.*} properties have been applied, for example to set what properties cannot
 * express. Customizers run in {@link org.springframework.core.annotation.Order order}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface QueueSettingsCustomizer {

	/**
	 * Customize one queue's settings.
	 * @param queue the queue's name
	 * @param settings the settings, with the properties applied
	 */
	void customize(String queue, QueueSettings.Builder settings);

}
