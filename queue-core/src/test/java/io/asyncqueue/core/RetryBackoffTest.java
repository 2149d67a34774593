package io.asyncqueue.core;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RetryBackoffTest {

	@Test
	void fixedWaitsTheSameAfterEveryFailure() {
		RetryBackoff backoff = RetryBackoff.fixed(Duration.ofSeconds(5));
		assertThat(backoff.delayAfter(1)).isEqualTo(Duration.ofSeconds(5));
		assertThat(backoff.delayAfter(7)).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void scheduleRepeatsItsLastElementLikeHyperfRetrySeconds() {
		RetryBackoff backoff = RetryBackoff.schedule(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30)));
		assertThat(backoff.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
		assertThat(backoff.delayAfter(2)).isEqualTo(Duration.ofSeconds(5));
		assertThat(backoff.delayAfter(3)).isEqualTo(Duration.ofSeconds(30));
		assertThat(backoff.delayAfter(10)).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void exponentialGrowsUpToItsCap() {
		RetryBackoff backoff = RetryBackoff.exponential(Duration.ofMillis(100), 2, Duration.ofSeconds(1), 0);
		assertThat(backoff.delayAfter(1)).isEqualTo(Duration.ofMillis(100));
		assertThat(backoff.delayAfter(2)).isEqualTo(Duration.ofMillis(200));
		assertThat(backoff.delayAfter(4)).isEqualTo(Duration.ofMillis(800));
		assertThat(backoff.delayAfter(5)).isEqualTo(Duration.ofSeconds(1));
		assertThat(backoff.delayAfter(50)).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void exponentialJitterStaysWithinItsSpread() {
		RetryBackoff backoff = RetryBackoff.exponential(Duration.ofMillis(1000), 2, Duration.ofSeconds(60), 0.25);
		for (int i = 0; i < 1000; i++) {
			assertThat(backoff.delayAfter(1).toMillis()).isBetween(750L, 1250L);
		}
	}

	@Test
	void emptyScheduleIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> RetryBackoff.schedule(List.of()))
			.withMessageContaining("at least one delay");
	}

	@Test
	void negativeDelayIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> RetryBackoff.fixed(Duration.ofSeconds(-1)))
			.withMessageContaining("must not be negative");
	}

}
