package io.asyncqueue.core;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@link #max()} job starts of a queue in any window of {@link #period()}, across every instance.
 *
 * <p>Starts are spaced: one is allowed every {@code period / max} (a generic cell rate algorithm with no
 * burst), kept as one timestamp in Redis. Any window of the period, wherever it begins, then holds at most
 * {@code max} starts, where a fixed window lets {@code 2 × max} through around its edge and a sliding log
 * needs one entry per start. The price is no burst: a backlog starts at an even pace rather than
 * {@code max} at once at the beginning of each period.
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

	/**
	 * The spacing of starts, in microseconds (what the fetch script keeps): rounded up, so that a window of
	 * the period never holds one start more than {@code max}.
	 */
	public long intervalMicros() {
		long periodMicros = this.period.toNanos() / 1000;
		return (periodMicros + this.max - 1) / this.max;
	}

	@Override
	public String toString() {
		long millis = this.period.toMillis();
		return this.max + " per " + ((millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms");
	}

}
