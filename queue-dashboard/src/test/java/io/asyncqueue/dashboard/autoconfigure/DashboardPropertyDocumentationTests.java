package io.asyncqueue.dashboard.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's property table against the metadata the configuration processor generates from the
 * properties' javadoc: every property is documented with its real default, and nothing else is.
 */
class DashboardPropertyDocumentationTests {

	@Test
	void everyPropertyIsDocumentedWithItsDefaultAndNothingElse() throws IOException {
		String readme = Files.readString(Path.of("README.md"));
		JsonNode metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			metadata = JsonMapper.builder().build().readTree(in);
		}
		int properties = 0;
		for (JsonNode property : metadata.path("properties")) {
			properties++;
			String name = property.path("name").asString();
			String documented = "| `" + name + "` | `" + property.path("defaultValue").asString(null) + "` |";
			assertThat(readme).as("README documents %s with its default", name).contains(documented);
		}
		assertThat(readme.split("\\| `async-queue\\.dashboard\\.", -1)).hasSize(properties + 1);
	}

	@Test
	void theRootReadmesRowNamesEveryPropertyWithItsDefault() throws IOException {
		String row = Files.readAllLines(Path.of("../README.md"))
			.stream()
			.filter((line) -> line.startsWith("| `async-queue.dashboard.enabled`"))
			.findFirst()
			.orElseThrow();
		String[] cells = row.split(" \\| ");
		List<String> names = Arrays.stream(cells[0].substring(2).split(" / "))
			.map((name) -> name.replace("`", ""))
			.map((name) -> name.startsWith(".") ? "async-queue.dashboard" + name : name)
			.toList();
		List<String> defaults = Arrays.stream(cells[1].split(" / ")).map((value) -> value.replace("`", "")).toList();
		Map<String, String> documented = new LinkedHashMap<>();
		for (int i = 0; i < names.size(); i++) {
			documented.put(names.get(i), defaults.get(i));
		}
		Map<String, String> expected = new LinkedHashMap<>();
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			for (JsonNode property : JsonMapper.builder().build().readTree(in).path("properties")) {
				expected.put(property.path("name").asString(), property.path("defaultValue").asString(null));
			}
		}
		assertThat(documented).isEqualTo(expected);
	}

}
