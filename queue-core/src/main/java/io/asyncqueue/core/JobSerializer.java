package io.asyncqueue.core;

import java.io.StringWriter;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns jobs into the JSON envelope stored in Redis and back, through a Jackson {@link JsonMapper}
 * (the application's own in a Spring Boot app, so its modules and settings apply to payloads).
 *
 * <pre>{"job":"create-order","payload":{...},"pushedAt":1732233600000,"uniqueId":"u1-42","headers":{...}}</pre>
 *
 * @since 0.1.0
 */
public final class JobSerializer {

	private final JsonMapper mapper;

	private final Map<Type, ObjectReader> readers = new java.util.concurrent.ConcurrentHashMap<>();

	/**
	 * A serializer over a mapper.
	 * @param mapper the mapper
	 */
	public JobSerializer(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/** A serializer over a default {@link JsonMapper}. */
	public JobSerializer() {
		this(JsonMapper.builder().findAndAddModules().build());
	}

	/** The mapper. */
	public JsonMapper mapper() {
		return this.mapper;
	}

	/**
	 * Serialize one job.
	 * @param jobName the logical name
	 * @param payload the payload
	 * @param pushedAt the push time
	 * @param options the push options
	 * @return the envelope JSON
	 */
	public String serialize(String jobName, Object payload, Instant pushedAt, PushOptions options) {
		// Streamed field by field with the envelope's own names: no tree in between (this is most of a push's
		// CPU), and a naming strategy of the application's mapper applies to payloads only, never to these.
		StringWriter json = new StringWriter(128);
		try (JsonGenerator generator = this.mapper.createGenerator(json)) {
			generator.writeStartObject();
			generator.writeStringProperty("job", jobName);
			generator.writeName("payload");
			generator.writePOJO(payload);
			generator.writeNumberProperty("pushedAt", pushedAt.toEpochMilli());
			if (options.uniqueId() != null) {
				generator.writeStringProperty("uniqueId", options.uniqueId());
			}
			if (!options.headers().isEmpty()) {
				generator.writeName("headers");
				generator.writeStartObject();
				for (Map.Entry<String, String> header : options.headers().entrySet()) {
					generator.writeStringProperty(header.getKey(), header.getValue());
				}
				generator.writeEndObject();
			}
			generator.writeEndObject();
		}
		return json.toString();
	}

	/**
	 * Read an envelope.
	 * @param json the stored JSON
	 * @return the envelope
	 * @throws UnreadableJobException when it is not a valid envelope
	 */
	public JobEnvelope deserialize(String json) {
		JsonNode root;
		try {
			root = this.mapper.readTree(json);
		}
		catch (JacksonException ex) {
			throw new UnreadableJobException("malformed envelope: " + ex.getOriginalMessage(), ex);
		}
		if (root == null || !root.isObject() || !root.path("job").isString() || root.path("job").asString().isEmpty()) {
			throw new UnreadableJobException("malformed envelope: no \"job\" name", null);
		}
		Map<String, String> headers = new LinkedHashMap<>();
		root.path("headers").properties().forEach((entry) -> headers.put(entry.getKey(), entry.getValue().asString()));
		JsonNode uniqueId = root.get("uniqueId");
		return new JobEnvelope(root.get("job").asString(), root.path("payload"),
				Instant.ofEpochMilli(root.path("pushedAt").asLong(0)),
				(uniqueId != null && uniqueId.isString()) ? uniqueId.asString() : null, headers);
	}

	/**
	 * Convert a payload tree to the handler's type.
	 * @param <T> the type
	 * @param payload the tree
	 * @param type the type, generics included
	 * @return the value
	 * @throws UnreadableJobException when it does not fit the type
	 */
	public <T> T convert(JsonNode payload, Type type) {
		try {
			return this.readers.computeIfAbsent(type, this::readerFor).readValue(payload);
		}
		catch (JacksonException ex) {
			throw new UnreadableJobException(
					"payload does not fit " + type.getTypeName() + ": " + ex.getOriginalMessage(), ex);
		}
	}

	private ObjectReader readerFor(Type type) {
		JavaType javaType = this.mapper.getTypeFactory().constructType(type);
		return this.mapper.readerFor(javaType);
	}

	/**
	 * Serialize a value to JSON (for error records).
	 * @param value the value
	 * @return the JSON
	 */
	String toJson(Object value) {
		return this.mapper.writeValueAsString(value);
	}

	/**
	 * Read a JSON object into a tree, or {@code null} when it is not one.
	 * @param json the JSON
	 * @return the tree or null
	 */
	JsonNode readTreeOrNull(String json) {
		if (json == null || json.isEmpty()) {
			return null;
		}
		try {
			return this.mapper.readTree(json);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	static int utf8Length(String value) {
		return value.getBytes(StandardCharsets.UTF_8).length;
	}

}
