package io.asyncqueue.spring.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.asyncqueue.spring.AsyncQueueConfigurationException;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Refuses a key under {@code async-queue.*} that no property has, such as a misspelt
 * {@code async-queue.queues.orders.concurency}, which binding alone would silently ignore. Spring Boot's
 * binder decides what is unknown (with the {@link NoUnboundElementsBindHandler}, so every relaxed form
 * of a real key, environment variables included, is accepted); this class names the nearest real key.
 */
final class UnknownPropertyCheck {

	private static final String PREFIX = "async-queue";

	/**
	 * Keys under {@code async-queue} that other properties classes bind (the transaction support's), by their
	 * uniform name: a value, or a group checked against its own class when that class can be loaded.
	 */
	private static final Map<String, String> OTHER_OWNERS = Map.of("transactionmode", "transaction-mode", "outbox",
			"outbox", "dashboard", "dashboard");

	/**
	 * The other namespaces the starters bind, each checked against its own properties class when that class can be
	 * loaded (the outbox needs spring-jdbc, the dashboard its module, the health settings the actuator), with the
	 * keys Spring Boot itself reads there.
	 */
	private static final List<Group> GROUPS = List.of(
			new Group(PREFIX + ".outbox", "io.asyncqueue.spring.autoconfigure.transaction.AsyncQueueOutboxProperties",
					List.of()),
			new Group(PREFIX + ".dashboard", "io.asyncqueue.dashboard.autoconfigure.AsyncQueueDashboardProperties",
					List.of()),
			// management.health.<name>.enabled is Spring Boot's switch of the indicator
			new Group("management.health.asyncqueue",
					"io.asyncqueue.spring.autoconfigure.actuate.AsyncQueueHealthIndicatorProperties", List.of("enabled")));

	private UnknownPropertyCheck() {
	}

	/**
	 * Fail when the environment sets a key under {@code async-queue} that no property has.
	 * @param environment the environment
	 * @throws AsyncQueueConfigurationException naming the first unknown key and the nearest real one
	 */
	static void check(Environment environment) {
		Binder binder = Binder.get(environment);
		try {
			binder.bind(PREFIX, Bindable.ofInstance(new AsyncQueueProperties()),
					new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
		}
		catch (BindException ex) {
			if (ex.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
				unbound.getUnboundProperties()
					.stream()
					.filter((property) -> !ownedByOthers(property.getName()))
					.min(Comparator.comparing((property) -> property.getName().toString()))
					.ifPresent((first) -> {
						// as the documentation spells the prefix, also when the key came from ASYNCQUEUE_... variables
						throw unknown(ConfigurationPropertyName.of(PREFIX).append(first.getName().subName(1)));
					});
			}
			// any other binding failure is reported by the binding of the properties bean itself
		}
		for (Group group : GROUPS) {
			checkGroup(binder, group);
		}
	}

	private static boolean ownedByOthers(ConfigurationPropertyName name) {
		if (name.getNumberOfElements() < 2) {
			return false;
		}
		String first = name.getElement(1, Form.UNIFORM);
		return (first.equals("transactionmode") && name.getNumberOfElements() == 2) || first.equals("outbox")
				|| first.equals("dashboard");
	}

	/** A namespace's keys, against its own properties class, when that class is there. */
	private static void checkGroup(Binder binder, Group group) {
		Class<?> type;
		try {
			type = ClassUtils.forName(group.type(), UnknownPropertyCheck.class.getClassLoader());
			BeanUtils.getPropertyDescriptors(type);
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return; // its module, or what it needs, is not on the classpath: nothing there is configured
		}
		ConfigurationPropertyName prefix = ConfigurationPropertyName.of(group.prefix());
		try {
			binder.bind(group.prefix(), Bindable.of(type), new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
		}
		catch (BindException ex) {
			if (ex.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
				unbound.getUnboundProperties()
					.stream()
					.map((property) -> prefix.append(property.getName().subName(prefix.getNumberOfElements())))
					.filter((name) -> !(name.getNumberOfElements() == prefix.getNumberOfElements() + 1
							&& group.bootKeys().contains(name.getElement(prefix.getNumberOfElements(), Form.UNIFORM))))
					.min(Comparator.comparing(ConfigurationPropertyName::toString))
					.ifPresent((first) -> {
						throw unknown(first, group.prefix(), type, Map.of());
					});
			}
		}
	}

	static AsyncQueueConfigurationException unknown(ConfigurationPropertyName name) {
		return unknown(name, PREFIX, AsyncQueueProperties.class, OTHER_OWNERS);
	}

	/**
	 * The error for an unknown key under {@code prefix}, whose properties class is {@code root}: it names the
	 * nearest real key of the group the unknown element sits in.
	 */
	private static AsyncQueueConfigurationException unknown(ConfigurationPropertyName name, String prefix,
			Class<?> root, Map<String, String> others) {
		Class<?> type = root;
		StringBuilder parent = new StringBuilder(prefix);
		String what = prefix;
		int index = ConfigurationPropertyName.of(prefix).getNumberOfElements();
		while (index < name.getNumberOfElements()) {
			String element = name.getElement(index, Form.UNIFORM);
			Map<String, PropertyDescriptor> properties = properties(type);
			PropertyDescriptor property = properties.get(element);
			if (property == null) {
				return unknownElement(name, parent.toString(), what, name.getElement(index, Form.ORIGINAL),
						properties, (type == root) ? others : Map.of());
			}
			String dashed = DataObjectPropertyName.toDashedForm(property.getName());
			parent.append('.').append(dashed);
			ResolvableType propertyType = ResolvableType.forMethodReturnType(property.getReadMethod());
			if (Map.class.isAssignableFrom(propertyType.toClass()) && index + 1 < name.getNumberOfElements()) {
				String key = name.getElement(index + 1, Form.ORIGINAL);
				parent.append('.').append(key);
				what = dashed.replaceFirst("s$", "") + " '" + key + "'"; // queue 'orders', schedule 'report'
				type = propertyType.asMap().getGeneric(1).toClass();
				index += 2;
				continue;
			}
			if (propertyType.toClass().getEnclosingClass() != root) {
				break; // a value (a number, a duration, a list), not a group of settings
			}
			what = parent.toString();
			type = propertyType.toClass();
			index++;
		}
		return new AsyncQueueConfigurationException(name.toString(),
				"Unknown property " + name + ": " + parent + " takes no nested keys.",
				"Remove " + name + ", or set " + parent + " itself.");
	}

	private static AsyncQueueConfigurationException unknownElement(ConfigurationPropertyName name, String parent,
			String what, String element, Map<String, PropertyDescriptor> properties, Map<String, String> others) {
		List<String> names = new ArrayList<>();
		properties.values().forEach((property) -> names.add(DataObjectPropertyName.toDashedForm(property.getName())));
		names.addAll(others.values());
		String valid = String.join(", ", names);
		String nearest = nearest(element, names);
		String description = "Unknown property " + name + ": '" + element + "' is not a setting of " + what
				+ ((nearest != null) ? "; did you mean '" + nearest + "'?" : ".");
		String action = ((nearest != null) ? "Rename it to " + parent + "." + nearest + ", or remove it."
				: "Remove it, or use one of the settings of " + what + ".") + " The settings under " + parent + " are: "
				+ valid + ".";
		return new AsyncQueueConfigurationException(name.toString(), description, action);
	}

	private static @Nullable String nearest(String element, List<String> names) {
		String typed = uniform(element);
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		for (String dashed : names) {
			String candidate = uniform(dashed);
			// a word cut short or spelt out (max, maximum) is as near as a typo
			boolean abbreviation = Math.min(typed.length(), candidate.length()) >= 3
					&& (typed.startsWith(candidate) || candidate.startsWith(typed));
			int distance = abbreviation ? 1 : distance(typed, candidate);
			if (distance < bestDistance) {
				best = dashed;
				bestDistance = distance;
			}
		}
		// a few typing mistakes, not a different word
		return (best != null && bestDistance <= Math.max(2, typed.length() / 3)) ? best : null;
	}

	private static Map<String, PropertyDescriptor> properties(Class<?> type) {
		Map<String, PropertyDescriptor> properties = new LinkedHashMap<>();
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
			if (property.getReadMethod() != null && !property.getName().equals("class")) {
				properties.put(uniform(property.getName()), property);
			}
		}
		return properties;
	}

	private static String uniform(String name) {
		return ConfigurationPropertyName.adapt(name, '.').getElement(0, Form.UNIFORM);
	}

	/** Levenshtein distance. */
	private static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

	/**
	 * A namespace bound by a properties class of its own.
	 * @param prefix the namespace
	 * @param type the properties class's name
	 * @param bootKeys keys directly under the prefix that Spring Boot reads, not the class
	 */
	private record Group(String prefix, String type, List<String> bootKeys) {
	}

}
