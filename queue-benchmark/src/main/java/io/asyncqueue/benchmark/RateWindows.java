package io.asyncqueue.benchmark;

import java.util.Arrays;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The rate-limit scenario's figures (issue 14), counted by the driver from the handler starts an adapter
 * recorded ({@code startsUs}, microseconds from the first start), so that every system's are counted alike.
 * Only the starts of the measured period ({@code seconds} from the first) count.
 *
 * <ul>
 * <li>{@code achievedRate}: starts per second over the period, and {@code limitSharePercent}, that rate against
 * {@code rateMax} per {@code ratePeriodMs};</li>
 * <li>{@code maxSlidingWindow}: the most starts in any window of the period's length, wherever it begins (the
 * busiest window begins at a start, so only those are counted);</li>
 * <li>{@code maxFixedWindow}: the most starts in one of the back-to-back windows that begin at the first start,
 * as a fixed-window limiter that opened its first window with that start would count them.</li>
 * </ul>
 */
final class RateWindows {

	private RateWindows() {
	}

	/** Replace a result's {@code startsUs} by the figures counted from it; other results pass unchanged. */
	static JsonNode count(JsonNode result) {
		if (!(result instanceof ObjectNode node) || !node.has("startsUs")) {
			return result;
		}
		JsonNode recorded = node.remove("startsUs");
		long periodUs = node.path("ratePeriodMs").asLong(1000) * 1000;
		double seconds = node.path("seconds").asDouble();
		long endUs = (long) (seconds * 1_000_000);
		long[] starts = new long[recorded.size()];
		int n = 0;
		for (JsonNode start : recorded) {
			if (start.asLong() < endUs) {
				starts[n++] = start.asLong();
			}
		}
		starts = Arrays.copyOf(starts, n);
		Arrays.sort(starts);
		int max = node.path("rateMax").asInt();
		double achieved = n / seconds;
		node.put("starts", n);
		node.put("achievedRate", Stats.round(achieved, 2));
		node.put("limitSharePercent", Stats.round(100 * achieved / (max * 1_000_000.0 / periodUs), 2));
		int[] sliding = slidingCounts(starts, periodUs);
		node.put("maxSlidingWindow", Arrays.stream(sliding).max().orElse(0));
		node.put("maxFixedWindow", maxFixed(starts, periodUs));
		// how many of the windows that begin at a start hold more than the limit
		node.put("slidingWindowsOverLimit", Arrays.stream(sliding).filter((c) -> c > max).count());
		return node;
	}

	/** For each start (sorted), the starts in the window [that start, that start + period). */
	static int[] slidingCounts(long[] starts, long periodUs) {
		int[] counts = new int[starts.length];
		int end = 0;
		for (int begin = 0; begin < starts.length; begin++) {
			while (end < starts.length && starts[end] < starts[begin] + periodUs) {
				end++;
			}
			counts[begin] = end - begin;
		}
		return counts;
	}

	/** The most starts in one window [k × period, (k + 1) × period) from the first start, for sorted starts. */
	static int maxFixed(long[] starts, long periodUs) {
		int most = 0;
		int count = 0;
		long window = -1;
		for (long start : starts) {
			long k = (start - starts[0]) / periodUs;
			count = (k == window) ? count + 1 : 1;
			window = k;
			most = Math.max(most, count);
		}
		return most;
	}

}
