package io.asyncqueue.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.redis.RedisFailures;
import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A permanent refusal (an ACL user missing one command the settle script runs) is not an outage: the worker
 * says so and stops fetching, instead of retrying each ack until the lease expires, running every job again and
 * finally parking all of them as "stalled". Against a real Redis with a real ACL user.
 */
class PermanentRefusalTest extends RedisTestSupport {

	private static final String USER = "no-zmscore";

	private RedisConnector denied;

	@BeforeEach
	void createUser() {
		// every command but ZMSCORE, which only the settle script runs: pushes and fetches work, acks do not
		inspection.sync()
			.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8),
					new CommandArgs<>(StringCodec.UTF8).add("SETUSER")
						.add(USER)
						.addValues("reset", "on", ">secret", "~*", "&*", "+@all", "-zmscore"));
		this.denied = RedisConnector.create("redis://" + USER + ":secret@" + server.host() + ":" + server.port());
	}

	@AfterEach
	void dropUser() {
		this.denied.close();
		inspection.sync().aclDeluser(USER);
	}

	@Test
	void aRefusedAckStopsFetchingInsteadOfRunningJobsAgainUntilTheyStall() {
		QueueSettings settings = settings().leaseDuration(Duration.ofSeconds(1))
			.concurrency(1)
			.prefetch(0)
			.maxStalls(1)
			.blockingTimeout(Duration.ofSeconds(1))
			.build();
		QueueClient client = new QueueClient(this.denied, this.serializer, Queues.of(settings));
		for (int i = 0; i < 20; i++) {
			client.push(this.queue, "n", i);
		}
		Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
		QueueWorker worker = QueueWorker.builder(settings, this.denied)
			.job("n", Integer.class, (payload, context) -> {
				runs.computeIfAbsent(context.id(), (id) -> new AtomicInteger()).incrementAndGet();
				Thread.sleep(20);
			})
			.build();
		this.workers.add(worker);
		worker.start();

		await().atMost(Duration.ofSeconds(10)).until(() -> worker.consumptionProblem() != null);
		assertThat(worker.consumptionProblem()).startsWith("Redis refused a command of the queue (ACL, permanent): ")
			.contains("ACL LOG")
			.contains("stopped fetching");
		sleep(Duration.ofMillis(300));
		int ranBeforeTheStop = runs.size();
		// three leases: before, each refused ack was retried until its lease ran out, the job ran again and, past
		// max-stalls, was parked in failed as "stalled"
		sleep(Duration.ofSeconds(3));
		assertThat(runs.values()).as("no job ran twice").allMatch((count) -> count.get() == 1);
		assertThat(runs).as("fetching stopped at the first refused ack (acks are asynchronous: a few more ran)")
			.hasSize(ranBeforeTheStop)
			.hasSizeLessThan(20);
		QueueCounts counts = operations(settings).counts(this.queue);
		assertThat(counts.failed()).as("nothing parked as stalled").isZero();
		// the jobs that ran stay reserved (their acks were refused), and so may one fetched just before the stop
		// and never started (putting it back is a settle too); the rest waits
		assertThat(counts.waiting()).as("the rest was not fetched").isGreaterThanOrEqualTo(20 - ranBeforeTheStop - 1);
		assertThat(counts.waiting() + counts.reserved()).as("every job is still there, none parked").isEqualTo(20);
		assertThat(worker.consumptionProblem()).as("it stays stopped, it is not an outage that passes")
			.startsWith("Redis refused");
	}

	@Test
	void aRefusedFetchIsNamedAsARefusalNotAsAnOutage() {
		QueueSettings settings = settings().build();
		inspection.sync()
			.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8),
					new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add(USER).add("-lpop"));
		QueueWorker worker = QueueWorker.builder(settings, this.denied).job("n", Integer.class, (payload, context) -> {
		}).build();
		this.workers.add(worker);
		worker.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> worker.consumptionProblem() != null);
		assertThat(worker.consumptionProblem()).startsWith("Redis refused a command of the queue (ACL, permanent): ")
			.contains("[script 'fetch', line");
	}

	@Test
	void aRefusedPushIsAPermanentErrorAndAnOutageIsARetryableOne() {
		QueueSettings settings = settings().build();
		inspection.sync()
			.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8),
					new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add(USER).add("-hsetnx"));
		QueueClient client = new QueueClient(this.denied, this.serializer, Queues.of(settings));
		assertThatExceptionOfType(RedisAccessDeniedException.class).isThrownBy(() -> client.push(this.queue, "n", 1))
			.withMessageStartingWith("Could not push 1 job(s) to queue '" + this.queue
					+ "': Redis refused a command of the queue (ACL, permanent): ")
			.withMessageContaining("HSETNX");

		try (RedisServer own = RedisServer.start(); RedisConnector gone = RedisConnector.create(own.uri())) {
			own.kill();
			// kill() returns once the port refuses new connections, not once this client has read the FIN on the
			// connection it already holds: a push written before that left the client (into a socket the dead peer
			// answers with a reset), and "may have been written" is then the only true answer. The case under test is
			// a push made while the client knows Redis is gone: wait until it refuses a command unsent.
			await().atMost(Duration.ofSeconds(10)).until(() -> refusedUnsent(gone.commands().ping().toCompletableFuture()));
			assertThatExceptionOfType(RedisUnavailableException.class)
				.isThrownBy(() -> new QueueClient(gone, this.serializer, Queues.of(settings)).push(this.queue, "n", 1))
				.withMessageStartingWith("Could not push 1 job(s) to queue '" + this.queue
						+ "': Redis is unreachable or failing over, retry")
				.satisfies((ex) -> assertThat(ex.mayHaveBeenWritten()).as("refused unsent").isFalse());
		}
	}

	/** Whether a call failed at once, refused by the client before it was written (a probe in flight is left alone). */
	private static boolean refusedUnsent(CompletableFuture<?> call) {
		return call.isCompletedExceptionally() && call.handle((reply, failure) -> RedisFailures.neverSent(failure)).join();
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
