package io.asyncqueue.spring.autoconfigure;

import java.util.Set;

import io.asyncqueue.core.InvalidQueueSettingException;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * Explains a wrong async-queue configuration at startup: which property (and where it was set) and
 * how to fix it.
 */
class AsyncQueueFailureAnalyzer implements FailureAnalyzer {

	private final @Nullable Environment environment;

	AsyncQueueFailureAnalyzer(@Nullable Environment environment) {
		this.environment = environment;
	}

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		AsyncQueueConfigurationException cause = findCause(failure);
		if (cause == null) {
			return null;
		}
		StringBuilder description = new StringBuilder(cause.getMessage());
		String property = cause.getProperty();
		if (property != null) {
			ConfigurationProperty value = find(property);
			if (value != null) {
				description.append(String.format("%n%nProperty: %s%nValue: \"%s\"", property, value.getValue()));
				Origin origin = value.getOrigin();
				if (origin != null) {
					description.append(String.format("%nOrigin: %s", origin));
				}
			}
		}
		return new FailureAnalysis(description.toString(), cause.getAction(), cause);
	}

	private static @Nullable AsyncQueueConfigurationException findCause(Throwable failure) {
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			if (candidate instanceof AsyncQueueConfigurationException ex) {
				return ex;
			}
			if (candidate instanceof InvalidQueueSettingException ex) {
				return QueueSettingsFactory.translate(ex, Set.of(ex.getSetting()));
			}
			if (candidate.getCause() == candidate) {
				break;
			}
		}
		return null;
	}

	private @Nullable ConfigurationProperty find(String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(property);
		if (!(this.environment instanceof ConfigurableEnvironment environment) || name == null) {
			return null;
		}
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			ConfigurationProperty value = source.getConfigurationProperty(name);
			if (value != null) {
				return value;
			}
		}
		return null;
	}

}
