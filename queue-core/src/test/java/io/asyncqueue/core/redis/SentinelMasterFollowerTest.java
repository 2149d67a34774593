package io.asyncqueue.core.redis;

import java.time.Duration;

import io.asyncqueue.core.redis.SentinelMasterFollower.Master;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which master the follower goes to. The moves themselves are proven against real Sentinels
 * ({@code SentinelFailoverTest}, queue-it's {@code SentinelFailoverIT}); these are the rules between a master a
 * Sentinel names and a replica seen promoted before any Sentinel names it.
 */
class SentinelMasterFollowerTest {

	private static final Master OLD = new Master("10.0.0.1", 6379, 3, 0);

	@Test
	void aSentinelIsFollowedOnlyToAHigherEpoch() {
		assertThat(SentinelMasterFollower.follows(OLD, new Master("10.0.0.2", 6379, 4, 0))).isTrue();
		assertThat(SentinelMasterFollower.follows(OLD, new Master("10.0.0.2", 6379, 3, 0))).isFalse();
		assertThat(SentinelMasterFollower.follows(OLD, new Master("10.0.0.2", 6379, 2, 0))).isFalse();
	}

	@Test
	void aReplicaSeenPromotedIsFollowedAtOnceAndHeldAgainstSentinelsThatHaveNotHeardYet() {
		Master promoted = new Master("10.0.0.2", 6379, OLD.epoch(), later(Duration.ofSeconds(30)));
		assertThat(SentinelMasterFollower.follows(OLD, promoted)).isTrue();
		assertThat(SentinelMasterFollower.follows(promoted, promoted)).as("seen again").isFalse();
		assertThat(SentinelMasterFollower.follows(promoted, OLD)).as("a Sentinel still naming the old master").isFalse();
		assertThat(SentinelMasterFollower.follows(promoted, new Master("10.0.0.2", 6379, 4, 0)))
			.as("confirmed by a Sentinel: its epoch from now on").isTrue();
		assertThat(SentinelMasterFollower.follows(promoted, new Master("10.0.0.3", 6379, 5, 0)))
			.as("another failover").isTrue();
	}

	@Test
	void aPromotionNoSentinelConfirmsGivesWayToTheSentinelsOnceItExpires() {
		Master expired = new Master("10.0.0.2", 6379, OLD.epoch(), later(Duration.ofMillis(-1)));
		assertThat(SentinelMasterFollower.follows(expired, OLD)).as("a failover aborted after the promotion").isTrue();
	}

	private static long later(Duration duration) {
		return System.nanoTime() + duration.toNanos();
	}

}
