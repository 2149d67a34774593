package io.asyncqueue.core;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@link #max()} job starts of a queue in any window of {@link #period()}, across every instance.
 *
 * <p>Starts are paced by a generic cell rate algorithm (GCRA), kept as one timestamp in Redis: one start every
 * {@link #intervalMicros() interval} of {@code period / (max - burst + 1)}, of which up to {@link #burst()} may
 * come at once. With those two numbers any window of the period, wherever it begins, holds at most {@code max}
 * starts (at most {@code burst} at its first instant and one per interval after), where a fixed window lets
 * {@code 2 × max} through around its edge and a sliding log needs one entry per start. The burst is small,
 * {@code 1 + max / 20}: the long-run rate is {@code max - burst + 1} per period, at least 95 % of
 * {@code max}, and a start that comes late (a consumer woke a little after it was due) does not push the next
 * ones back, as it would with no burst at all.
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

	/** How many starts may come at once: {@code 1 + max / 20} (as the fetch script computes it). */
	public int burst() {
		return 1 + this.max / 20;
	}

	/**
	 * The spacing of starts after a burst, in microseconds: {@code period / (max - burst + 1)} rounded up, so
	 * that a window of the period never holds one start more than {@code max}.
	 */
	public long intervalMicros() {
		long periodMicros = this.period.toNanos() / 1000;
		long paced = this.max - burst() + 1;
		return (periodMicros + paced - 1) / paced;
	}

	@Override
	public String toString() {
		long millis = this.period.toMillis();
		return this.max + " per " + ((millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms");
	}

}
