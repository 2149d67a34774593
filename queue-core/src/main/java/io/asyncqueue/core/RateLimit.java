package io.asyncqueue.core;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@link #max()} job starts of a queue in any window of {@link #period()}, across every instance.
 *
 * <p>Kept as a sliding log: the starts of the last period, in a sorted set in Redis. A fetch reserves jobs
 * only while fewer than {@code max} starts are in the log, so no window of the period, wherever it begins,
 * ever holds more than {@code max} (a fixed window lets {@code 2 × max} through around its edge). Unlike a
 * pacing algorithm such as GCRA, a consumer that comes late (a busy machine, a pause) does not lower the rate:
 * the starts it missed are still free in the window, and the next fetch takes them. The price is memory, one
 * entry per start of the last period (at most {@code max}), and bursts: up to {@code max} jobs may start at
 * once, at the beginning of a window.
 *
 * @param max the most starts in one period, at least 1
 * @param period the window, at least 1 ms, and no shorter than a microsecond per start
 * @since 0.3.0
 */
public record RateLimit(int max, Duration period) {

	/**
	 * A limit.
	 * @param max the most starts in one period
	 * @param period the window
	 */
	public RateLimit {
		Objects.requireNonNull(period, "period");
	}

	/**
	 * A limit of {@code max} starts per {@code period}.
	 * @param max the most starts in one period
	 * @param period the window
	 * @return the limit
	 */
	public static RateLimit of(int max, Duration period) {
		return new RateLimit(max, period);
	}

	/** What is wrong with this limit, or {@code null} when the engine can keep it. */
	String problem() {
		if (this.max < 1) {
			return "max must be at least 1, was " + this.max;
		}
		if (this.period.toMillis() < 1) {
			return "period must be at least 1ms, was " + this.period;
		}
		if (this.period.toNanos() / 1000 < this.max) {
			return "allows at most one start per microsecond: raise period or lower max (was " + this.max + " per "
					+ this.period + ")";
		}
		return null;
	}

	@Override
	public String toString() {
		long millis = this.period.toMillis();
		return this.max + " per " + ((millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms");
	}

}
