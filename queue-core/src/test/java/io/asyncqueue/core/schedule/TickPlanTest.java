package io.asyncqueue.core.schedule;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TickPlanTest {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	@Test
	void fixedRateTicksAreAlignedToTheEpoch() {
		Ticks minutes = Ticks.fixedRate(Duration.ofMinutes(1));
		assertThat(minutes.next(Instant.parse("2026-01-01T10:15:42.5Z"))).isEqualTo("2026-01-01T10:16:00Z");
		assertThat(minutes.next(Instant.parse("2026-01-01T10:16:00Z"))).isEqualTo("2026-01-01T10:17:00Z");
		assertThatIllegalArgumentException().isThrownBy(() -> Ticks.fixedRate(Duration.ofMillis(500)))
			.withMessageContaining("at least 1s");
	}

	@Test
	void nothingIsDueBeforeTheNextTick() {
		assertThat(TickPlan.of(everySecond(MisfirePolicy.SKIP), T0, T0.plusMillis(999))).isNull();
	}

	@Test
	void aTickWithinTheThresholdIsPushed() {
		TickPlan plan = TickPlan.of(everySecond(MisfirePolicy.SKIP), T0, T0.plusMillis(1200));
		assertThat(plan).isEqualTo(new TickPlan(T0.plusSeconds(1), true, false, 0, T0.plusSeconds(2)));
	}

	@Test
	void aShortDelayIsCaughtUpTickByTickOldestFirst() {
		TickPlan plan = TickPlan.of(everySecond(MisfirePolicy.SKIP), T0, T0.plusMillis(3500));
		assertThat(plan.tick()).isEqualTo(T0.plusSeconds(1));
		assertThat(plan.push()).isTrue();
		assertThat(plan.misfire()).isFalse();
	}

	@Test
	void ticksOlderThanTheThresholdAreSkippedUpToTheLatest() {
		TickPlan plan = TickPlan.of(everySecond(MisfirePolicy.SKIP), T0, T0.plusMillis(10_500));
		assertThat(plan).isEqualTo(new TickPlan(T0.plusSeconds(10), false, true, 10, T0.plusSeconds(11)));
	}

	@Test
	void ticksOlderThanTheThresholdFireOnceForTheLatest() {
		TickPlan plan = TickPlan.of(everySecond(MisfirePolicy.FIRE_ONCE), T0, T0.plusMillis(10_500));
		assertThat(plan).isEqualTo(new TickPlan(T0.plusSeconds(10), true, true, 9, T0.plusSeconds(11)));
	}

	@Test
	void aLongDowntimeIsNotWalkedTickByTick() {
		Instant now = T0.plus(Duration.ofDays(400)).plusMillis(300);
		TickPlan plan = TickPlan.of(everySecond(MisfirePolicy.FIRE_ONCE), T0, now);
		assertThat(plan.tick()).isEqualTo(T0.plus(Duration.ofDays(400)));
		assertThat(plan.missed()).isPositive();
	}

	private static Schedule everySecond(MisfirePolicy misfire) {
		return new Schedule("s", "q", "job", null, Ticks.fixedRate(Duration.ofSeconds(1)), "every 1s", misfire,
				Duration.ofSeconds(3));
	}

}
