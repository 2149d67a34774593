package io.asyncqueue.benchmark;

import java.util.Arrays;
import java.util.List;

/** Percentiles (nearest rank) and medians. */
public final class Stats {

	private Stats() {
	}

	/**
	 * The p-th percentile of the values, nearest rank.
	 * @param sorted ascending values
	 * @param p 0 to 100
	 * @return the percentile, NaN when empty
	 */
	public static double percentile(double[] sorted, double p) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int rank = (int) Math.ceil(p / 100.0 * sorted.length);
		return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
	}

	/** The median of the non-null values, or null when there are none. */
	public static Double median(List<Double> values) {
		double[] present = values.stream().filter((v) -> v != null && !v.isNaN()).mapToDouble(Double::doubleValue)
			.sorted().toArray();
		if (present.length == 0) {
			return null;
		}
		int mid = present.length / 2;
		return (present.length % 2 == 1) ? present[mid] : (present[mid - 1] + present[mid]) / 2.0;
	}

	/**
	 * Percentiles of per-job times where NaN marks a job that never started: such jobs count as
	 * infinitely late, so a saturated system shows {@code null} (JSON) rather than the flattering
	 * percentiles of the few jobs it managed to start.
	 * @param millis one value per measured job, NaN when it did not start
	 * @return jobs, started, unstarted, complete, p50Ms, p99Ms, p999Ms, minMs (below 0: a delayed job started
	 * early), maxMs
	 */
	public static java.util.Map<String, Object> latencyFigures(double[] millis) {
		double[] sorted = new double[millis.length];
		int unstarted = 0;
		for (int i = 0; i < millis.length; i++) {
			if (Double.isNaN(millis[i])) {
				unstarted++;
				sorted[i] = Double.POSITIVE_INFINITY;
			}
			else {
				sorted[i] = millis[i];
			}
		}
		Arrays.sort(sorted);
		java.util.Map<String, Object> figures = new java.util.LinkedHashMap<>();
		figures.put("jobs", millis.length);
		figures.put("started", millis.length - unstarted);
		figures.put("unstarted", unstarted);
		figures.put("complete", unstarted == 0);
		figures.put("p50Ms", round(percentile(sorted, 50), 3));
		figures.put("p99Ms", round(percentile(sorted, 99), 3));
		figures.put("p999Ms", round(percentile(sorted, 99.9), 3));
		figures.put("minMs", round(sorted.length > 0 ? sorted[0] : Double.NaN, 3));
		figures.put("maxMs", round(sorted.length > 0 ? sorted[sorted.length - 1] : Double.NaN, 3));
		return figures;
	}

	/** A timed phase's figures: jobs, seconds and jobs/s. */
	public static java.util.Map<String, Object> rate(int jobs, long nanos) {
		java.util.Map<String, Object> figures = new java.util.LinkedHashMap<>();
		double seconds = nanos / 1e9;
		figures.put("jobs", jobs);
		figures.put("seconds", round(seconds, 3));
		figures.put("rate", round(jobs / seconds, 1));
		return figures;
	}

	/** Wall-clock microseconds since the epoch: delayed jobs' due times, compared across threads. */
	public static long epochMicros() {
		java.time.Instant now = java.time.Instant.now();
		return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
	}

	public static double round(double value, int decimals) {
		if (Double.isNaN(value) || Double.isInfinite(value)) {
			return value;
		}
		double scale = Math.pow(10, decimals);
		return Math.round(value * scale) / scale;
	}

}
