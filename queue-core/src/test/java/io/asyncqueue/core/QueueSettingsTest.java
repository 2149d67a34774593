package io.asyncqueue.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.asyncqueue.core.scripts.QueueKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class QueueSettingsTest {

	@Test
	void defaultsAreDocumentedConstants() {
		QueueSettings settings = QueueSettings.defaults("orders");
		assertThat(settings.channel()).isEqualTo("async-queue:orders");
		assertThat(settings.maxAttempts()).isEqualTo(QueueSettings.DEFAULT_MAX_ATTEMPTS);
		assertThat(settings.concurrency()).isEqualTo(QueueSettings.DEFAULT_CONCURRENCY);
		assertThat(settings.leaseDuration()).isEqualTo(QueueSettings.DEFAULT_LEASE_DURATION);
		assertThat(settings.toBuilder().build().toString()).isEqualTo(settings.toString());
	}

	@Test
	void keysShareOneHashTag() {
		QueueKeys keys = QueueKeys.of("async-queue:orders");
		assertThat(keys.all()).allSatisfy((key) -> assertThat(key).startsWith("{async-queue:orders}:"));
		assertThat(keys.of(JobState.FAILED)).isEqualTo("{async-queue:orders}:failed");
	}

	@Test
	void zeroConcurrencyNamesTheSetting() {
		assertThatExceptionOfType(InvalidQueueSettingException.class)
			.isThrownBy(() -> QueueSettings.builder("orders").concurrency(0).build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("concurrency"))
			.withMessage("Queue 'orders': concurrency must be at least 1, was 0");
	}

	@Test
	void prefetchDefaultsToTheConcurrencyAndMayBeZeroButNotNegative() {
		assertThat(QueueSettings.builder("orders").concurrency(32).build().prefetch()).isEqualTo(32);
		assertThat(QueueSettings.builder("orders").concurrency(32).build().toBuilder().concurrency(4).build().prefetch())
			.as("an unset prefetch follows the concurrency").isEqualTo(4);
		assertThat(QueueSettings.builder("orders").prefetch(0).build().prefetch()).isZero();
		assertThat(QueueSettings.builder("orders").concurrency(8).rateLimit(RateLimit.of(100, Duration.ofSeconds(1)))
			.build()
			.prefetch()).as("a rate limit counts a start at reservation: nothing is reserved ahead").isZero();
		assertThat(QueueSettings.builder("orders").concurrency(8).rateLimit(RateLimit.of(100, Duration.ofSeconds(1)))
			.prefetch(4)
			.build()
			.prefetch()).as("unless asked").isEqualTo(4);
		assertThatExceptionOfType(InvalidQueueSettingException.class)
			.isThrownBy(() -> QueueSettings.builder("orders").prefetch(-1).build())
			.withMessageContaining("prefetch");
	}

	@Test
	void channelWithBracesIsRefused() {
		assertThatExceptionOfType(InvalidQueueSettingException.class)
			.isThrownBy(() -> QueueSettings.builder("orders").channel("{orders}").build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("channel"));
	}

	@Test
	void tooShortLeaseIsRefused() {
		assertThatExceptionOfType(InvalidQueueSettingException.class)
			.isThrownBy(() -> QueueSettings.builder("orders").leaseDuration(Duration.ofMillis(10)).build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("lease-duration"));
	}

	@Test
	void nonRetryableExceptionsMatchSubclasses() {
		QueueSettings settings = QueueSettings.builder("orders")
			.nonRetryableExceptions(IllegalArgumentException.class)
			.build();
		assertThat(settings.isRetryable(new NumberFormatException())).isFalse();
		assertThat(settings.isRetryable(new IllegalStateException())).isTrue();
	}

	@Test
	void twoQueuesOnOneChannelAreRefused() {
		assertThatExceptionOfType(InvalidQueueSettingException.class).isThrownBy(() -> Queues.of(
				QueueSettings.builder("a").channel("shared").build(), QueueSettings.builder("b").channel("shared").build()))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("channel"));
	}

}
