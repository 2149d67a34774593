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

	/** Enqueue jobs {@code from .. from+size-1}. */
	@FunctionalInterface
	public interface Push {

		void push(int from, int size);

	}

	/** Whether the scenario pushes the edge pattern ({@code pattern=edge}) rather than a backlog. */
	public static boolean isEdge(Args args) {
		return "edge".equals(args.string("pattern", "backlog"));
	}

	/**
	 * Arrivals that find a fixed window's edge, {@code cycles} times (default 2), 3 periods apart: one job (which
	 * opens a fixed-window limiter's window), {@code max - 1} jobs at 0.85 of the period, {@code max} more at 1.05
	 * periods. A fixed window lets all {@code 2 × max - 1} start within about 0.2 of a period; a limit that holds in
	 * every window lets {@code max} of them start in any period. With the worker already running.
	 */
	public static void pushEdges(Args args, Push push) throws InterruptedException {
		int max = args.integer("rateMax", 100);
		long periodNanos = args.integer("ratePeriodMs", 1000) * 1_000_000L;
		long begin = System.nanoTime();
		int n = 0;
		for (int cycle = 0; cycle < args.integer("cycles", 2); cycle++) {
			long base = begin + 3 * cycle * periodNanos;
			sleepUntil(base);
			push.push(n, 1);
			n += 1;
			sleepUntil(base + periodNanos * 85 / 100);
			push.push(n, max - 1);
			n += max - 1;
			sleepUntil(base + periodNanos * 105 / 100);
			push.push(n, max);
			n += max;
		}
	}

	private static void sleepUntil(long nanos) throws InterruptedException {
		long wait = nanos - System.nanoTime();
		if (wait > 0) {
			java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait);
		}
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
		figures.put("pattern", isEdge(args) ? "edge" : "backlog");
		figures.put("prefilled", isEdge(args) ? 0 : args.integer("jobs", 4000));
		figures.put("startsUs", startsUs);
		return figures;
	}

}
