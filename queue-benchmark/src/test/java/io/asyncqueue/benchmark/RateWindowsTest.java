package io.asyncqueue.benchmark;

import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/** How the rate-limit scenario's starts are counted per window (issue 14). */
class RateWindowsTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void slidingWindowSeesTheFixedWindowsEdge() {
		// a fixed-window limiter of 100 per second whose window opens with the first start: 1 start then, 99 in the
		// last 100 ms of that window and 100 at the start of the next, 199 within 200 ms
		long[] starts = LongStream.concat(LongStream.of(0),
				LongStream.concat(LongStream.range(0, 99).map((i) -> 900_000 + i * 1_000),
						LongStream.range(0, 100).map((i) -> 1_000_000 + i * 1_000)))
			.toArray();
		JsonNode figures = RateWindows.count(result(100, 1000, 3, starts));

		assertThat(figures.path("maxFixedWindow").asInt()).isEqualTo(100);
		assertThat(figures.path("maxSlidingWindow").asInt()).isEqualTo(199);
		assertThat(figures.path("slidingWindowsOverLimit").asInt()).isEqualTo(99);
	}

	@Test
	void fixedWindowsBeginAtTheFirstStart() {
		// 60 starts in the first 100 ms of each second, 40 in its last 100 ms: 100 in every window, fixed or sliding
		long[] starts = LongStream.range(0, 3)
			.flatMap((s) -> LongStream.concat(LongStream.range(0, 60).map((i) -> s * 1_000_000 + i * 1_000),
					LongStream.range(0, 40).map((i) -> s * 1_000_000 + 900_000 + i * 1_000)))
			.toArray();
		JsonNode figures = RateWindows.count(result(100, 1000, 3, starts));

		assertThat(figures.path("maxFixedWindow").asInt()).isEqualTo(100);
		assertThat(figures.path("maxSlidingWindow").asInt()).isEqualTo(100);
		assertThat(figures.path("slidingWindowsOverLimit").asInt()).isZero();
		assertThat(figures.path("starts").asInt()).isEqualTo(300);
		assertThat(figures.path("achievedRate").asDouble()).isEqualTo(100.0);
		assertThat(figures.path("limitSharePercent").asDouble()).isEqualTo(100.0);
		assertThat(figures.has("startsUs")).as("the raw starts are left out of the figures").isFalse();
	}

	@Test
	void onlyTheMeasuredPeriodCounts() {
		// 50 starts per second for 2 s, then 400 more after the period (the worker stopping)
		long[] starts = LongStream.concat(LongStream.range(0, 100).map((i) -> i * 20_000),
				LongStream.range(0, 400).map((i) -> 2_000_000 + i))
			.toArray();
		JsonNode figures = RateWindows.count(result(100, 1000, 2, starts));

		assertThat(figures.path("starts").asInt()).isEqualTo(100);
		assertThat(figures.path("achievedRate").asDouble()).isEqualTo(50.0);
		assertThat(figures.path("limitSharePercent").asDouble()).isEqualTo(50.0);
		assertThat(figures.path("maxSlidingWindow").asInt()).isEqualTo(50);
	}

	@Test
	void otherResultsPassUnchanged() {
		ObjectNode drain = JSON.createObjectNode().put("rate", 1234.5);
		assertThat(RateWindows.count(drain)).isEqualTo(JSON.createObjectNode().put("rate", 1234.5));
	}

	private static ObjectNode result(int max, int periodMs, double seconds, long[] startsUs) {
		ObjectNode result = JSON.createObjectNode().put("rateMax", max).put("ratePeriodMs", periodMs).put("seconds", seconds);
		startsUs = startsUs.clone();
		java.util.Arrays.sort(startsUs);
		long first = startsUs[0];
		var array = result.putArray("startsUs");
		for (long start : startsUs) {
			array.add(start - first);
		}
		return result;
	}

}
