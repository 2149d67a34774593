package io.asyncqueue.test;

import java.time.Duration;

/** Argument checks shared by the builders, so each names the bad setting the same way. */
final class Arguments {

	private Arguments() {
	}

	/** {@return the duration} when it is positive; else an IllegalArgumentException naming the setting */
	static Duration positive(String name, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive: " + value);
		}
		return value;
	}
}
