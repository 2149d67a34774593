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

	private static final Master OLD = new Master("10.0.0.1", 6379, 3, false, 0);

	@Test
	void aSentinelIsFollowedOnlyToAHigherEpoch() {
		assertThat(SentinelMasterFollower.follows(OLD, new Master("10.0.0.2", 6379, 4, false, 0))).isTrue();
		assertThat(SentinelMasterFollower.follows(OLD, new Master("10.0.0.2", 6379, 3, false, 0))).isFalse();
		assertThat(SentinelMasterFollower.follows(OLD, new Master("10.0.0.2", 6379, 2, false, 0))).isFalse();
	}

	@Test
	void aReplicaSeenPromotedIsFollowedAtOnceAndHeldAgainstSentinelsThatHaveNotHeardYet() {
		Master promoted = new Master("10.0.0.2", 6379, OLD.epoch(), true, later(Duration.ofSeconds(30)));
		assertThat(SentinelMasterFollower.follows(OLD, promoted)).isTrue();
		assertThat(SentinelMasterFollower.follows(promoted, promoted)).as("seen again").isFalse();
		assertThat(SentinelMasterFollower.follows(promoted, OLD)).as("a Sentinel still naming the old master").isFalse();
		assertThat(SentinelMasterFollower.follows(promoted, new Master("10.0.0.2", 6379, 4, false, 0)))
			.as("confirmed by a Sentinel: its epoch from now on").isTrue();
		assertThat(SentinelMasterFollower.follows(promoted, new Master("10.0.0.3", 6379, 5, false, 0)))
			.as("another failover").isTrue();
	}

	@Test
	void aPromotionNoSentinelConfirmsGivesWayToTheSentinelsOnceItExpires() {
		Master expired = new Master("10.0.0.2", 6379, OLD.epoch(), true, later(Duration.ofMillis(-1)));
		assertThat(SentinelMasterFollower.follows(expired, OLD)).as("a failover aborted after the promotion").isTrue();
		assertThat(SentinelMasterFollower.follows(expired, new Master("10.0.0.1", 6379, 2, false, 0)))
			.as("never to a lower epoch").isFalse();
	}

	@Test
	void anEventIsReadOnlyWhenItIsAboutTheMasterWeAreOn() {
		Duration hold = Duration.ofMinutes(3);
		Master promoted = SentinelMasterFollower.promotedReplica("slave 10.0.0.2:6380 10.0.0.2 6380 @ mymaster 10.0.0.1 6379",
				"mymaster", OLD, hold);
		assertThat(promoted).isNotNull();
		assertThat(promoted.host()).isEqualTo("10.0.0.2");
		assertThat(promoted.port()).isEqualTo(6380);
		assertThat(promoted.provisional()).isTrue();
		assertThat(promoted.epoch()).isEqualTo(OLD.epoch());
		assertThat(SentinelMasterFollower.promotedReplica("slave 10.0.0.2:6380 10.0.0.2 6380 @ other 10.0.0.1 6379",
				"mymaster", OLD, hold)).as("another master's failover").isNull();
		assertThat(SentinelMasterFollower.promotedReplica("slave 10.0.0.2:6380 10.0.0.2 6380 @ mymaster 10.0.0.9 6379",
				"mymaster", OLD, hold)).as("a failover of a master we are not on (a late event)").isNull();
		assertThat(SentinelMasterFollower.promotedReplica("slave redis-b:6379 redis-b 6379 @ mymaster 10.0.0.1 6379",
				"mymaster", OLD, hold).host()).as("a host name").isEqualTo("redis-b");
		assertThat(SentinelMasterFollower.promotedReplica("sentinel 10.0.0.5:26379 10.0.0.5 26379 @ mymaster 10.0.0.1 6379",
				"mymaster", OLD, hold)).isNull();
		assertThat(SentinelMasterFollower.promotedReplica("garbage", "mymaster", OLD, hold)).isNull();
	}

	private static long later(Duration duration) {
		return System.nanoTime() + duration.toNanos();
	}

}
