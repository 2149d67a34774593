package io.asyncqueue.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a failed job waits before its next attempt.
 *
 * <p>Three kinds: {@link #fixed(Duration) fixed}; a {@link #schedule(List) schedule} like Hyperf's
 * {@code retry_seconds: [1, 5, 30]} whose last element repeats; and {@link #exponential exponential}
 * with jitter and a cap.
 *
 * @since 0.1.0
 */
public sealed interface RetryBackoff {

	/**
	 * The delay before the attempt that follows failed attempt number {@code failedAttempt}.
	 * @param failedAttempt the attempt that just failed, starting at 1
	 * @return the delay, never negative
	 */
	Duration delayAfter(int failedAttempt);

	/**
	 * The same delay after every failure.
	 * @param delay the delay, zero or positive
	 * @return the backoff
	 */
	static RetryBackoff fixed(Duration delay) {
		return new Fixed(delay);
	}

	/**
	 * A delay per attempt: the first element after the first failure, and so on; the last element
	 * repeats.
	 * @param delays the delays, at least one
	 * @return the backoff
	 */
	static RetryBackoff schedule(List<Duration> delays) {
		return new Schedule(delays);
	}

	/**
	 * {@code initial × multiplier^(failedAttempt-1)}, capped at {@code max}, then randomised by up to
	 * {@code ±jitter} (a fraction between 0 and 1) so that jobs failing together do not retry together.
	 * @param initial the first delay
	 * @param multiplier the growth factor, at least 1
	 * @param max the cap
	 * @param jitter the random spread, between 0 and 1
	 * @return the backoff
	 */
	static RetryBackoff exponential(Duration initial, double multiplier, Duration max, double jitter) {
		return new Exponential(initial, multiplier, max, jitter);
	}

	/** A constant delay. */
	record Fixed(Duration delay) implements RetryBackoff {
		public Fixed {
			requireNonNegative(delay, "delay");
		}

		@Override
		public Duration delayAfter(int failedAttempt) {
			return this.delay;
		}
	}

	/** One delay per attempt, the last repeating. */
	record Schedule(List<Duration> delays) implements RetryBackoff {
		public Schedule {
			Objects.requireNonNull(delays, "delays");
			if (delays.isEmpty()) {
				throw new IllegalArgumentException("a retry schedule needs at least one delay");
			}
			delays.forEach((delay) -> requireNonNegative(delay, "delays"));
			delays = List.copyOf(delays);
		}

		@Override
		public Duration delayAfter(int failedAttempt) {
			return this.delays.get(Math.min(Math.max(failedAttempt, 1), this.delays.size()) - 1);
		}
	}

	/** Exponential growth with a cap and jitter. */
	record Exponential(Duration initial, double multiplier, Duration max, double jitter) implements RetryBackoff {
		public Exponential {
			requireNonNegative(initial, "initial");
			requireNonNegative(max, "max");
			if (multiplier < 1 || Double.isNaN(multiplier)) {
				throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
			}
			if (jitter < 0 || jitter > 1 || Double.isNaN(jitter)) {
				throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
			}
		}

		@Override
		public Duration delayAfter(int failedAttempt) {
			double millis = this.initial.toMillis() * Math.pow(this.multiplier, Math.max(failedAttempt, 1) - 1);
			millis = Math.min(millis, this.max.toMillis());
			if (this.jitter > 0) {
				millis = millis * (1 + this.jitter * (ThreadLocalRandom.current().nextDouble() * 2 - 1));
			}
			return Duration.ofMillis(Math.max(0, Math.round(millis)));
		}
	}

	private static void requireNonNegative(Duration duration, String name) {
		Objects.requireNonNull(duration, name);
		if (duration.isNegative()) {
			throw new IllegalArgumentException(name + " must not be negative, was " + duration);
		}
	}

}
