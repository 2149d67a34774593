package io.asyncqueue.dashboard;

import java.time.Duration;
import java.util.List;

import io.asyncqueue.core.FlowLimits;
import io.asyncqueue.core.RateLimit;

/**
 * A queue's flow-control limits as the queue page shows them: each limit, its use, and whether it is stored
 * in Redis at run time (obeyed by every instance, over their configuration) or taken from this application's
 * configuration.
 *
 * @param rows one row per limit: name, value and use, source
 * @param globalConcurrency the global concurrency in force, zero for none (prefills the form)
 * @param rateMax the rate limit's most starts per period, zero for none (prefills the form)
 * @param ratePeriod the rate limit's period, such as {@code 1s}, empty for none (prefills the form)
 * @param anySetAtRunTime whether any limit is stored in Redis, so that clearing them changes something
 * @param groupConcurrency the group concurrency in force (prefills the form)
 */
record LimitRows(List<Row> rows, int globalConcurrency, int rateMax, String ratePeriod, boolean anySetAtRunTime,
		int groupConcurrency) {

	private static final String STORED = "set at run time (in Redis, for every instance)";

	private static final String CONFIGURED = "configured";

	static LimitRows of(FlowLimits limits) {
		Row global = new Row("global-concurrency",
				(limits.globalConcurrency() > 0)
						? limits.running() + " running of " + limits.globalConcurrency() + " (" + limits.freeSlots()
								+ " free)"
						: "no limit (" + limits.running() + " running)",
				limits.globalConcurrencySetAtRunTime() ? STORED : CONFIGURED);
		RateLimit rate = limits.rateLimit();
		Row rateRow = new Row("rate-limit",
				(rate != null) ? rate.max() + " starts per " + format(rate.period()) : "no limit",
				limits.rateLimitSetAtRunTime() ? STORED : CONFIGURED);
		Row backoff = new Row("handler back-off", limits.backoffLeft().isZero() ? "none"
				: "every start held back for " + format(limits.backoffLeft()) + " more", "a handler's rateLimited(…)");
		Row groups = new Row("group-concurrency", limits.groupConcurrency() + " per group ("
				+ limits.groups().running() + " groups running, " + limits.groups().heldBack() + " held back at it)",
				limits.groupConcurrencySetAtRunTime() ? STORED : CONFIGURED);
		return new LimitRows(List.of(global, rateRow, groups, backoff), Math.max(limits.globalConcurrency(), 0),
				(rate != null) ? rate.max() : 0, (rate != null) ? format(rate.period()) : "",
				limits.globalConcurrencySetAtRunTime() || limits.rateLimitSetAtRunTime()
						|| limits.groupConcurrencySetAtRunTime(),
				limits.groupConcurrency());
	}

	/** A duration as an operator writes it: {@code 1s}, {@code 250ms}, {@code 2m}. */
	static String format(Duration duration) {
		long millis = duration.toMillis();
		if (millis % 60_000 == 0 && millis > 0) {
			return (millis / 60_000) + "m";
		}
		return (millis % 1000 == 0 && millis > 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	/**
	 * One limit.
	 *
	 * @param name the limit, as the queue's property names it
	 * @param value its value and use
	 * @param source where it comes from
	 */
	record Row(String name, String value, String source) {
	}

}
