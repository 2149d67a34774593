package io.asyncqueue.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.BeanWrapperImpl;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The property tables of the READMEs are checked against the metadata the configuration processor
 * generates from the properties' javadoc, so that documentation and code cannot drift: every property is
 * documented, every documented property exists, and documented defaults are the real ones.
 */
class PropertyDocumentationTests {

	private static final Pattern ROW = Pattern.compile("^\\| (.+?) \\| (.+?) \\| (.+) \\|$");

	private static final Pattern CODE = Pattern.compile("`([^`]+)`");

	/** Keys Spring Boot adds to every endpoint, and map roots whose entries are documented instead. */
	private static final Set<String> NOT_DOCUMENTED = Set.of("management.endpoint.asyncqueue.cache.time-to-live",
			"async-queue.queues", "async-queue.schedules", "management.health.asyncqueue.queues");

	@ParameterizedTest
	@ValueSource(strings = { "README.md", "../README.md" })
	void everyPropertyIsDocumentedWithItsDefault(String readme) throws IOException {
		Map<String, String> metadata = metadata();
		Map<String, String> documented = documented(Path.of(readme));
		for (Map.Entry<String, String> property : metadata.entrySet()) {
			String name = property.getKey();
			if (NOT_DOCUMENTED.contains(name)) {
				continue;
			}
			assertThat(documented).as("%s documents %s", readme, name).containsKey(name);
			String defaultValue = property.getValue();
			if (defaultValue != null) {
				assertThat(normalize(documented.get(name))).as("%s: default of %s", readme, name)
					.contains(normalize(defaultValue));
			}
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "README.md", "../README.md" })
	void everyDocumentedPropertyExists(String readme) throws IOException {
		Map<String, String> metadata = metadata();
		for (String name : documented(Path.of(readme)).keySet()) {
			if (name.startsWith("async-queue.dashboard.")) {
				continue; // the dashboard module's properties: its DashboardPropertyDocumentationTests checks this row
			}
			if (name.startsWith("async-queue.queues.<name>.")) {
				String setting = name.substring("async-queue.queues.<name>.".length());
				assertThat(new BeanWrapperImpl(new AsyncQueueProperties.Queue()).isReadableProperty(camel(setting)))
					.as("%s documents %s", readme, name)
					.isTrue();
			}
			else if (name.startsWith("async-queue.schedules.<name>.")) {
				String setting = name.substring("async-queue.schedules.<name>.".length());
				assertThat(new BeanWrapperImpl(new ScheduleProperties()).isReadableProperty(camel(setting)))
					.as("%s documents %s", readme, name)
					.isTrue();
			}
			else if (name.startsWith("management.health.asyncqueue.queues.<name>.")) {
				String setting = name.substring("management.health.asyncqueue.queues.<name>.".length());
				assertThat(metadata).as("%s documents %s", readme, name)
					.containsKey("management.health.asyncqueue." + setting);
			}
			else {
				assertThat(metadata).as("%s documents %s", readme, name).containsKey(name);
			}
		}
	}

	/** Property name → its row's default cell, from every row of the README's property tables. */
	private static Map<String, String> documented(Path readme) throws IOException {
		Map<String, String> documented = new LinkedHashMap<>();
		for (String line : Files.readAllLines(readme, StandardCharsets.UTF_8)) {
			Matcher row = ROW.matcher(line.trim());
			if (!row.matches()) {
				continue;
			}
			String last = null;
			Matcher code = CODE.matcher(row.group(1));
			String[] defaults = row.group(2).split(" / ");
			int index = 0;
			while (code.find()) {
				String token = code.group(1);
				String name;
				if (token.startsWith("…")) {
					name = "async-queue.defaults." + token.substring(1);
				}
				else if (token.startsWith(".") && last != null) {
					name = last.substring(0, last.lastIndexOf('.')) + token;
				}
				else {
					name = token;
				}
				if (name.startsWith("async-queue.") || name.startsWith("management.")) {
					documented.put(name, defaults[Math.min(index, defaults.length - 1)]);
					last = name;
					index++;
				}
			}
		}
		return documented;
	}

	private static Map<String, String> metadata() throws IOException {
		try (InputStream in = PropertyDocumentationTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			JsonNode root = JsonMapper.builder().build().readTree(in);
			Map<String, String> properties = new LinkedHashMap<>();
			Set<String> names = new LinkedHashSet<>();
			for (JsonNode property : root.path("properties")) {
				String name = property.path("name").asString();
				names.add(name);
				JsonNode defaultValue = property.get("defaultValue");
				String text = null;
				if (defaultValue != null && defaultValue.isArray()) {
					StringBuilder list = new StringBuilder("[");
					defaultValue.forEach((element) -> list.append((list.length() > 1) ? ", " : "").append(element.asString()));
					text = list.append("]").toString();
				}
				else if (defaultValue != null && !defaultValue.isNull()) {
					text = defaultValue.asString();
				}
				properties.put(name, text);
			}
			return properties;
		}
	}

	private static String normalize(String value) {
		return value.replace("`", "").replace('_', '-').toLowerCase(Locale.ROOT).trim();
	}

	private static String camel(String kebab) {
		StringBuilder camel = new StringBuilder();
		boolean upper = false;
		for (char c : kebab.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				camel.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return camel.toString();
	}

}
