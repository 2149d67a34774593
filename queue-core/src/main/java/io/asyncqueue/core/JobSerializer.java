package io.asyncqueue.core;

import java.io.StringWriter;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
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
			writeEnvelope(generator, jobName, payload, pushedAt, options);
		}
		return json.toString();
	}

	/**
	 * Serialize several jobs: the envelopes {@link #serialize} makes, one per request, in order, written by one
	 * generator (making one per envelope was a quarter of a batched push's CPU).
	 * @param requests the jobs
	 * @param pushedAt the push time
	 * @return the envelope JSON of each
	 * @since 0.3.0
	 */
	public List<String> serializeAll(List<PushRequest> requests, Instant pushedAt) {
		if (requests.size() == 1) {
			PushRequest request = requests.get(0);
			return List.of(serialize(request.jobName(), request.payload(), pushedAt, request.options()));
		}
		StringWriter json = new StringWriter(128 * requests.size());
		StringBuffer written = json.getBuffer();
		List<String> envelopes = new ArrayList<>(requests.size());
		try (JsonGenerator generator = this.mapper.createGenerator(json)) {
			for (PushRequest request : requests) {
				int start = written.length();
				writeEnvelope(generator, request.jobName(), request.payload(), pushedAt, request.options());
				generator.flush();
				// each root value after the first follows the generator's root separator (a space)
				while (written.charAt(start) != '{') {
					start++;
				}
				envelopes.add(written.substring(start));
			}
		}
		return envelopes;
	}

	private static void writeEnvelope(JsonGenerator generator, String jobName, Object payload, Instant pushedAt,
			PushOptions options) {
		generator.writeStartObject();
		generator.writeStringProperty("job", jobName);
		generator.writeName("payload");
		generator.writePOJO(payload);
		generator.writeNumberProperty("pushedAt", pushedAt.toEpochMilli());
		if (options.uniqueId() != null) {
			generator.writeStringProperty("uniqueId", options.uniqueId());
		}
		if (options.priority() != 0) {
			// the scripts read it from here when a job goes back to waiting (a due delayed job, a retry)
			generator.writeNumberProperty("priority", options.priority());
		}
		if (options.group() != null) {
			// the scripts read it from here when a job leaves or re-enters its group's line (settle, recovery)
			generator.writeStringProperty("group", options.group());
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
				(uniqueId != null && uniqueId.isString()) ? uniqueId.asString() : null, headers,
				root.path("priority").asInt(0));
	}

	/**
	 * Read an envelope in one pass, the payload straight into the type its job's name selects, without
	 * a tree in between. Only the plain shape this serializer writes is read this way ("job" before
	 * "payload", a numeric "pushedAt", string headers); for anything else, including every malformed
	 * envelope, it returns {@code null} and the caller takes {@link #deserialize} and {@link #convert},
	 * whose errors say what is wrong.
	 * @param json the stored JSON
	 * @param payloadTypeOfJob the payload type of a job name, {@code null} for an unknown name
	 * @return the envelope (without a payload tree) and the payload, or {@code null}
	 */
	public Decoded decode(String json, Function<String, Type> payloadTypeOfJob) {
		try (JsonParser parser = this.mapper.createParser(json)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return null;
			}
			String job = null;
			Object payload = null;
			boolean hasPayload = false;
			long pushedAt = 0;
			String uniqueId = null;
			int priority = 0;
			Map<String, String> headers = Map.of();
			String name;
			while ((name = parser.nextName()) != null) {
				JsonToken value = parser.nextToken();
				switch (name) {
					case "job" -> {
						// a second "job" would not match the type its payload was read as
						if (value != JsonToken.VALUE_STRING || job != null) {
							return null;
						}
						job = parser.getString();
					}
					case "payload" -> {
						Type type = (job != null) ? payloadTypeOfJob.apply(job) : null;
						if (type == null) {
							return null;
						}
						payload = this.readers.computeIfAbsent(type, this::readerFor).readValue(parser);
						hasPayload = true;
					}
					case "pushedAt" -> {
						if (value != JsonToken.VALUE_NUMBER_INT) {
							return null;
						}
						pushedAt = parser.getLongValue();
					}
					case "uniqueId" -> {
						uniqueId = (value == JsonToken.VALUE_STRING) ? parser.getString() : null;
						parser.skipChildren();
					}
					case "priority" -> {
						if (value != JsonToken.VALUE_NUMBER_INT) {
							return null;
						}
						priority = parser.getIntValue();
					}
					case "headers" -> {
						headers = readHeaders(parser, value);
						if (headers == null) {
							return null;
						}
					}
					default -> parser.skipChildren();
				}
			}
			// anything after the envelope makes it malformed for the tree path too
			if (job == null || job.isEmpty() || !hasPayload || parser.nextToken() != null) {
				return null;
			}
			return new Decoded(new JobEnvelope(job, null, Instant.ofEpochMilli(pushedAt), uniqueId, headers, priority),
					payload);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static Map<String, String> readHeaders(JsonParser parser, JsonToken value) {
		if (value != JsonToken.START_OBJECT) {
			parser.skipChildren();
			return Map.of();
		}
		Map<String, String> headers = new LinkedHashMap<>();
		String name;
		while ((name = parser.nextName()) != null) {
			if (parser.nextToken() != JsonToken.VALUE_STRING) {
				return null;
			}
			headers.put(name, parser.getString());
		}
		return headers;
	}

	/**
	 * An envelope read by {@link #decode}: its fields (the payload tree left out) and its typed payload.
	 * @param envelope the envelope's fields
	 * @param payload the payload in its handler's type
	 */
	public record Decoded(JobEnvelope envelope, Object payload) {
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
		// the payload is read in the middle of the envelope: what follows it is the envelope's, not trailing
		return this.mapper.readerFor(javaType).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
	}

	/**
	 * Serialize a value to JSON (for error records).
	 * @param value the value
	 * @return the JSON
	 */
	public String toJson(Object value) {
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
