package io.asyncqueue.core;

import java.lang.reflect.Type;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class JobSerializerTest {

	record Order(String orderId, int itemCount) {
	}

	@Test
	void theApplicationsMapperShapesPayloadsButNeverTheEnvelopesOwnFields() {
		JsonMapper snakeCase = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
		JobSerializer serializer = new JobSerializer(snakeCase);
		String json = serializer.serialize("create-order", new Order("o-1", 2), Instant.ofEpochMilli(1732233600000L),
				PushOptions.unique("u-1").header("traceId", "t-1"));
		assertThat(json).isEqualTo("{\"job\":\"create-order\",\"payload\":{\"order_id\":\"o-1\",\"item_count\":2},"
				+ "\"pushedAt\":1732233600000,\"uniqueId\":\"u-1\",\"headers\":{\"traceId\":\"t-1\"}}");
		JobEnvelope envelope = serializer.deserialize(json);
		assertThat(envelope.job()).isEqualTo("create-order");
		assertThat(envelope.uniqueId()).isEqualTo("u-1");
		assertThat(envelope.pushedAt()).isEqualTo(Instant.ofEpochMilli(1732233600000L));
		assertThat(envelope.headers()).isEqualTo(Map.of("traceId", "t-1"));
		assertThat(serializer.<Order>convert(envelope.payload(), Order.class)).isEqualTo(new Order("o-1", 2));
	}

	@Test
	void aBatchIsSerializedAsEachOfItsJobsWouldBeAlone() {
		List<PushRequest> requests = List.of(new PushRequest("create-order", new Order("o-1", 2), PushOptions.unique("u-1")),
				new PushRequest("ping", null, null), new PushRequest("text", " {leading space} ", PushOptions.priority(5)),
				new PushRequest("list", List.of(1, 2, 3), PushOptions.now().header("traceId", "t-1")),
				new PushRequest("grouped", Map.of("k", "zürich ☃"), PushOptions.group("g-1")),
				new PushRequest("number", 42, null));
		Instant at = Instant.ofEpochMilli(1732233600000L);
		for (JsonMapper mapper : List.of(JsonMapper.builder().build(),
				JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build())) {
			JobSerializer serializer = new JobSerializer(mapper);
			List<String> batch = serializer.serializeAll(requests, at);
			assertThat(batch).hasSize(requests.size());
			for (int i = 0; i < requests.size(); i++) {
				PushRequest request = requests.get(i);
				assertThat(batch.get(i)).isEqualTo(serializer.serialize(request.jobName(), request.payload(), at,
						request.options()));
			}
			assertThat(serializer.serializeAll(requests.subList(0, 1), at)).containsExactly(batch.get(0));
		}
	}

	@Test
	void aNullPayloadAndNoOptionsMakeTheSmallestEnvelope() {
		JobSerializer serializer = new JobSerializer();
		String json = serializer.serialize("ping", null, Instant.ofEpochMilli(5), PushOptions.now());
		assertThat(json).isEqualTo("{\"job\":\"ping\",\"payload\":null,\"pushedAt\":5}");
		JsonNode payload = serializer.deserialize(json).payload();
		assertThat(payload.isNull()).isTrue();
	}

	@Test
	void theOnePassReadGivesWhatTheTreeReadGives() {
		JobSerializer serializer = new JobSerializer();
		String json = serializer.serialize("create-order", new Order("o-1", 2), Instant.ofEpochMilli(7),
				PushOptions.unique("u-1").header("traceId", "t-1"));
		JobSerializer.Decoded decoded = serializer.decode(json, (job) -> job.equals("create-order") ? Order.class : null);
		assertThat(decoded).isNotNull();
		assertThat(decoded.payload()).isEqualTo(new Order("o-1", 2));
		JobEnvelope tree = serializer.deserialize(json);
		assertThat(decoded.envelope().job()).isEqualTo(tree.job());
		assertThat(decoded.envelope().pushedAt()).isEqualTo(tree.pushedAt());
		assertThat(decoded.envelope().uniqueId()).isEqualTo(tree.uniqueId());
		assertThat(decoded.envelope().headers()).isEqualTo(tree.headers());
	}

	@Test
	void theOnePassReadLeavesEveryOtherShapeToTheTreeRead() {
		JobSerializer serializer = new JobSerializer();
		Function<String, Type> types = (job) -> job.equals("o") ? Order.class : null;
		// a payload that fits, so that each case below is refused for its own shape, not for its payload
		String order = "{\"orderId\":\"a\",\"itemCount\":1}";
		assertThat(serializer.decode("{\"job\":\"o\",\"payload\":" + order + "}", types)).as("the plain shape")
			.isNotNull();
		assertThat(serializer.decode("{\"payload\":" + order + ",\"job\":\"o\"}", types)).as("payload before job")
			.isNull();
		assertThat(serializer.decode("{\"job\":\"unknown\",\"payload\":" + order + "}", types)).as("unknown job")
			.isNull();
		assertThat(serializer.decode("{\"job\":\"o\",\"payload\":[1,2]}", types)).as("payload not fitting").isNull();
		assertThat(serializer.decode("{\"job\":\"o\",\"payload\":" + order + ",\"pushedAt\":\"7\"}", types))
			.as("pushedAt as text").isNull();
		assertThat(serializer.decode("{\"job\":\"o\",\"payload\":" + order + ",\"headers\":{\"n\":1}}", types))
			.as("a header that is not text").isNull();
		assertThat(serializer.decode("{\"job\":\"o\"}", types)).as("no payload").isNull();
		assertThat(serializer.decode("{\"job\":\"o\",\"payload\":{", types)).as("truncated").isNull();
		assertThat(serializer.decode("[]", types)).as("not an object").isNull();
		assertThat(serializer.decode("{\"job\":\"o\",\"payload\":" + order + ",\"job\":\"o\"}", types))
			.as("job twice").isNull();
		assertThat(serializer.decode("{\"job\":\"o\",\"payload\":" + order + "} {}", types)).as("trailing content")
			.isNull();
		JobSerializer.Decoded objectUniqueId = serializer.decode(
				"{\"job\":\"o\",\"uniqueId\":{\"pushedAt\":1},\"payload\":" + order + ",\"pushedAt\":7}", types);
		assertThat(objectUniqueId).isNotNull();
		assertThat(objectUniqueId.envelope().uniqueId()).as("not text: none, as the tree path reads it").isNull();
		assertThat(objectUniqueId.envelope().pushedAt()).isEqualTo(Instant.ofEpochMilli(7));
	}
}
