package io.asyncqueue.benchmark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rate-limit scenario's record (issue 14), the adapter's side: the handler starts it saw, as microseconds
 * from the first, for the driver to count per window ({@code RateWindows}); BullMQ's adapter reports the same.
 */
public final class StartLog {

	/** Recorded past the measured period, so that its last window is complete. */
	private static final long TAIL_MILLIS = 500;

	private StartLog() {
	}

	/** How long to record after the first start: {@code seconds}, and a little more. */
	public static long recordMillis(Args args) {
		return (long) (args.decimal("seconds", 30) * 1000) + TAIL_MILLIS;
	}

	/**
	 * The scenario's settings and its starts.
	 * @param args {@code rateMax}, {@code ratePeriodMs}, {@code seconds}, {@code concurrency}, {@code jobs}
	 * @param startNanos each start's {@link System#nanoTime()}, in any order
	 * @return the figures for the driver, {@code startsUs} among them
	 */
	public static Map<String, Object> figures(Args args, long[] startNanos) {
		long[] sorted = startNanos.clone();
		Arrays.sort(sorted);
		List<Long> startsUs = new ArrayList<>(sorted.length);
		for (long start : sorted) {
			startsUs.add((start - sorted[0]) / 1000);
		}
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("rateMax", args.integer("rateMax", 0));
		figures.put("ratePeriodMs", args.integer("ratePeriodMs", 1000));
		figures.put("seconds", args.decimal("seconds", 30));
		figures.put("concurrency", args.integer("concurrency", 8));
		figures.put("prefilled", args.integer("jobs", 4000));
		figures.put("startsUs", startsUs);
		return figures;
	}

}
