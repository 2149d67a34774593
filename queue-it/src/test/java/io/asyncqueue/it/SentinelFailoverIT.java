package io.asyncqueue.it;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.RetryBackoff;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.test.RedisSentinelSetup;
import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenarios 8 and 9: a Sentinel set-up (a master, a replica, three Sentinels, real processes) fails over while
 * a pusher and a consumer run, once planned ({@code SENTINEL FAILOVER}) and once by {@code kill -9} of the
 * master. With durable pushes ({@code replicas=1}) no confirmed push is lost; without, the loss is measured.
 */
class SentinelFailoverIT {

	/** Confirmed pushes before the failover, and again after it. */
	static final int PUSHES_EACH_SIDE = 1_500;

	private RedisSentinelSetup sentinel;

	private RedisConnector redis;

	@BeforeEach
	void start() {
		this.sentinel = RedisSentinelSetup.builder().build();
		this.redis = RedisConnector.create(this.sentinel.uri());
	}

	@AfterEach
	void stop() {
		this.redis.close();
		this.sentinel.close();
	}

	@Test
	void durablePushesSurviveAPlannedFailover() throws Exception {
		FailoverLoad.Figures figures = run(true, false);
		record(8, "Sentinel `SENTINEL FAILOVER` under load, durable pushes (`replicas=1`)", figures);
		assertThat(figures.lost()).as("confirmed pushes lost").isZero();
	}

	@Test
	void durablePushesSurviveAKillNineOfTheMaster() throws Exception {
		FailoverLoad.Figures figures = run(true, true);
		record(9, "Sentinel `kill -9` of the master under load, durable pushes (`replicas=1`)", figures);
		assertThat(figures.lost()).as("confirmed pushes lost").isZero();
	}

	@Test
	void withoutDurablePushesTheLossIsMeasured() throws Exception {
		FailoverLoad.Figures planned = run(false, false);
		record(10, "Sentinel `SENTINEL FAILOVER` under load, pushes not durable", planned);
		stop();
		start();
		FailoverLoad.Figures crash = run(false, true);
		record(11, "Sentinel `kill -9` of the master under load, pushes not durable", crash);
		// not asserted to be zero: without WAIT a confirmed push may not have reached the replica yet
		assertThat(planned.confirmed()).isPositive();
		assertThat(crash.confirmed()).isPositive();
	}

	private FailoverLoad.Figures run(boolean durable, boolean crash) throws Exception {
		QueueSettings.Builder builder = QueueSettings.builder("failover")
			.concurrency(4)
			.leaseDuration(Duration.ofSeconds(3))
			.retryBackoff(RetryBackoff.fixed(Duration.ZERO));
		if (durable) {
			builder.replicas(1).replicaTimeout(Duration.ofSeconds(1));
		}
		try (FailoverLoad load = new FailoverLoad(this.redis, builder.build())) {
			load.failoverAfter(PUSHES_EACH_SIDE);
			RedisServer old = this.sentinel.master();
			if (crash) {
				old.kill();
				this.sentinel.awaitMasterOtherThan(old, Duration.ofSeconds(20));
				// restarted (empty, no AOF) as it would be in production: the Sentinels make it the new master's
				// replica, and durable pushes, refused while the new master has none, are confirmed again
				old.startAgain();
			}
			else {
				this.sentinel.failover();
			}
			load.awaitConfirmedAfterFailover(PUSHES_EACH_SIDE);
			return load.finish();
		}
	}

	private static void record(int number, String scenario, FailoverLoad.Figures figures) {
		Guarantees.record(number, scenario, figures.confirmed() + " confirmed pushes", figures.lost(),
				Long.toString(figures.duplicated()), "longest time without a confirmed push " + figures.resumeMillis()
						+ " ms; " + figures.failed() + " pushes failed meanwhile",
				SentinelFailoverIT.class);
	}

}
