package io.asyncqueue.dashboard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.asyncqueue.core.monitor.JobSnapshot;

/**
 * A job as its page shows it: the envelope and the error read apart, the payload pretty-printed, and a
 * timeline of what Redis knows happened to it.
 *
 * @param jobName the job's name
 * @param uniqueId its unique id, or {@code null}
 * @param headers its headers
 * @param payload the payload, pretty-printed JSON
 * @param error the last failure's fields (reason, exception, message, attempt, stack trace), in order
 * @param timeline what happened, oldest first
 */
record JobDetails(@Nullable String jobName, @Nullable String uniqueId, Map<String, String> headers, String payload,
		Map<String, String> error, List<Event> timeline) {

	static JobDetails of(JobSnapshot job, JsonMapper json) {
		JsonNode envelope = read(json, job.envelope());
		JsonNode error = read(json, job.error());
		Map<String, String> headers = new LinkedHashMap<>();
		envelope.path("headers").properties().forEach((header) -> headers.put(header.getKey(), header.getValue().asString()));
		Map<String, String> errorFields = new LinkedHashMap<>();
		error.properties().forEach((field) -> errorFields.put(field.getKey(),
				field.getValue().isValueNode() ? field.getValue().asString() : field.getValue().toString()));
		String payload = envelope.has("payload")
				? json.writerWithDefaultPrettyPrinter().writeValueAsString(envelope.get("payload")) : job.envelope();
		List<Event> timeline = new ArrayList<>();
		if (envelope.path("pushedAt").isNumber()) {
			timeline.add(new Event(Instant.ofEpochMilli(envelope.path("pushedAt").asLong()), "pushed"));
		}
		if (job.stateSince() != null) {
			timeline.add(new Event(job.stateSince(), switch (job.state()) {
				case DELAYED -> "due to run";
				case RESERVED -> "lease ends (running)";
				case FAILED -> "parked in failed after attempt " + job.attempts();
				case TIMEOUT -> "parked in timeout after " + job.stalls() + " expired leases";
				default -> job.state().key();
			}));
		}
		timeline.sort(Comparator.comparing(Event::at));
		return new JobDetails(envelope.path("job").asString(null), envelope.path("uniqueId").asString(null), headers,
				payload, errorFields, timeline);
	}

	private static JsonNode read(JsonMapper json, @Nullable String text) {
		if (text == null || text.isEmpty()) {
			return json.createObjectNode();
		}
		try {
			return json.readTree(text);
		}
		catch (RuntimeException ex) {
			return json.createObjectNode();
		}
	}

	/**
	 * One moment of a job's life.
	 *
	 * @param at when
	 * @param what what happened or will
	 */
	record Event(Instant at, String what) {

	}

}
