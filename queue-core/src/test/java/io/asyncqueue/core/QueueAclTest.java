package io.asyncqueue.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolVersion;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.monitor.InstanceHeartbeat;
import io.asyncqueue.core.monitor.InstanceInfo;
import io.asyncqueue.core.monitor.Instances;
import io.asyncqueue.core.monitor.JobInspector;
import io.asyncqueue.core.monitor.QueueHistory;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.schedule.MisfirePolicy;
import io.asyncqueue.core.schedule.QueueScheduler;
import io.asyncqueue.core.schedule.Schedule;
import io.asyncqueue.core.schedule.ScheduleOperations;
import io.asyncqueue.core.schedule.Ticks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link QueueAcl} is what the code needs, no more and no less: its script commands are exactly those the Lua
 * scripts run, and a user with exactly its rules pushes, consumes, retries, parks and operates a queue, while
 * every command the engine sent outside the scripts is one it declares (and each it declares was sent).
 */
class QueueAclTest extends RedisTestSupport {

	private static final Path SCRIPTS = Path.of("src/main/resources/io/asyncqueue/core/scripts");

	private static final Pattern CALL = Pattern.compile("(?:redis\\.p?call|call_chunked)\\(\\s*'([A-Za-z]+)'");

	private static final Pattern ANY_CALL = Pattern.compile("redis\\.p?call\\(\\s*([^'\\s,)]+)");

	/** Sent by Lettuce on connect, or allowed by +@connection. */
	private static final Set<String> CONNECTION = Set.of("hello", "auth", "client", "ping", "select", "quit", "wait");

	@Test
	void theDeclaredScriptCommandsAreExactlyThoseTheScriptsRun() throws IOException {
		Set<String> run = new TreeSet<>();
		Set<String> computed = new TreeSet<>();
		try (Stream<Path> files = Files.list(SCRIPTS)) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".lua")).toList()) {
				String source = Files.readString(file);
				Matcher call = CALL.matcher(source);
				while (call.find()) {
					run.add(call.group(1).toLowerCase(Locale.ROOT));
				}
				Matcher any = ANY_CALL.matcher(source);
				while (any.find()) {
					computed.add(file.getFileName() + ": " + any.group(1));
				}
			}
		}
		assertThat(computed).as("a command not named literally cannot be derived: only call_chunked's is allowed, "
				+ "and its callers name theirs").containsExactly("prelude.lua: command");
		assertThat(new TreeSet<>(QueueAcl.SCRIPT_COMMANDS)).as("QueueAcl.SCRIPT_COMMANDS").isEqualTo(run);
	}

	@Test
	void aUserWithExactlyTheDeclaredRulesRunsTheWholeCycleAndSendsNothingUndeclared() {
		String user = "acl-" + ProcessHandle.current().pid();
		inspection.sync()
			.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8),
					new CommandArgs<>(StringCodec.UTF8).add("SETUSER")
						.add(user)
						.addValues(("reset on >pw " + QueueAcl.rules("{acl:*") + " ~{async-queue:instances}*").split(" ")));
		Set<String> sent = ConcurrentHashMap.newKeySet();
		RedisURI uri = RedisURI.builder()
			.withHost(server.host())
			.withPort(server.port())
			.withAuthentication(user, "pw")
			.withClientName("queue-app")
			.build();
		RedisClient restricted = RedisClient.create(resources, uri);
		// RESP2 names the connection with CLIENT SETNAME (RESP3 within HELLO): Redis 6.2 refuses it unless named on
		// its own, as it counts all of CLIENT as dangerous
		restricted.setOptions(RedisConnector.defaultClientOptions().mutate().protocolVersion(ProtocolVersion.RESP2).build());
		restricted.addListener(new CommandListener() {
			@Override
			public void commandStarted(CommandStartedEvent event) {
				sent.add(event.getCommand().getType().toString().toLowerCase(Locale.ROOT));
			}
		});
		// with the URI: synchronous pushes go through the direct connection too, which must open under these rules
		try (RedisConnector connector = RedisConnector.of(restricted, uri)) {
			cycle(connector);
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
				new QueueClient(connector, this.serializer, Queues.of(settings().channel("acl:" + this.queue).build()))
					.push(this.queue, "ok", 0);
				return connector.direct().isOpen();
			});
			assertThat(inspection.sync().clientList()).as("the connection's name, set by CLIENT SETNAME")
				.contains("name=queue-app");
		}
		finally {
			restricted.shutdown(Duration.ZERO, Duration.ofSeconds(1));
			inspection.sync().aclDeluser(user);
		}
		Set<String> beyondConnection = new TreeSet<>(sent);
		beyondConnection.removeAll(CONNECTION);
		Set<String> declared = new TreeSet<>(QueueAcl.DIRECT_COMMANDS);
		declared.addAll(QueueAcl.HEARTBEAT_COMMANDS);
		declared.addAll(QueueAcl.SCHEDULE_COMMANDS);
		declared.addAll(QueueAcl.MONITOR_COMMANDS);
		assertThat(beyondConnection).as("commands sent outside the scripts").isEqualTo(declared);
	}

	private void cycle(RedisConnector connector) {
		QueueSettings settings = settings().channel("acl:" + this.queue)
			.maxAttempts(1)
			.leaseDuration(Duration.ofSeconds(2))
			.blockingTimeout(Duration.ofSeconds(5))
			.build();
		QueueSettings durable = QueueSettings.builder(this.queue + "-durable")
			.channel("acl:" + this.queue + "-durable")
			.replicas(1)
			.replicaTimeout(Duration.ofMillis(20))
			.build();
		Queues queues = Queues.of(settings, durable);
		QueueClient client = new QueueClient(connector, this.serializer, queues);
		QueueOperations operations = new QueueOperations(connector, this.serializer, queues);
		String name = settings.name();

		client.push(name, "ok", 1, PushOptions.unique("u-1"));
		client.push(name, "ok", 2, PushOptions.delay(Duration.ofMillis(200)));
		client.pushAll(name, List.of(PushRequest.of("fail", 3), PushRequest.of("requeue", 4)));
		// Redis lost its script cache: the scripts go again with EVAL
		inspection.sync().scriptFlush();
		QueueCounts pushed = operations.counts(name);
		assertThat(pushed.waiting() + pushed.delayed()).isEqualTo(4);
		assertThatExceptionOfType(PushNotReplicatedException.class)
			.as("a durable push on a server without replicas: WAIT is sent and answers 0")
			.isThrownBy(() -> client.push(durable.name(), "ok", 5));

		java.util.Map<String, Integer> requeued = new ConcurrentHashMap<>();
		start(QueueWorker.builder(settings, connector).job("ok", Integer.class, (payload, context) -> {
		}).job("fail", Integer.class, (payload, context) -> {
			throw new IllegalStateException("parked");
		}).job("requeue", Integer.class, (payload, context) -> {
			if (requeued.merge(context.id(), 1, Integer::sum) == 1) {
				context.requeue(Duration.ZERO);
			}
		}));
		await().atMost(Duration.ofSeconds(15))
			.until(() -> operations.counts(name).failed() == 1 && operations.counts(name).waiting() == 0
					&& operations.counts(name).delayed() == 0 && operations.counts(name).reserved() == 0);
		// an idle consumer is woken by its own signal when a delayed job falls due
		client.push(name, "ok", 8, PushOptions.delay(Duration.ofMillis(300)));
		await().atMost(Duration.ofSeconds(15)).until(() -> operations.counts(name).delayed() == 0
				&& operations.counts(name).waiting() == 0 && operations.counts(name).reserved() == 0);
		String parked = operations.failedJobs(name, 0, 10).get(0).id();
		assertThat(operations.pause(name)).isTrue();
		assertThat(operations.isPaused(name)).isTrue();
		assertThat(operations.reloadAll(name, JobState.FAILED).moved()).isEqualTo(1);
		assertThat(operations.oldestWaitingPushedAt(name)).isNotNull();
		assertThat(operations.delete(name, parked)).isTrue();
		assertThat(operations.resume(name)).isTrue();
		assertThat(operations.closePushes(name)).isTrue();
		assertThatExceptionOfType(QueueClosedException.class).isThrownBy(() -> client.push(name, "ok", 6));
		assertThat(operations.openPushes(name)).isTrue();
		client.push(name, "fail", 7);
		await().atMost(Duration.ofSeconds(15)).until(() -> operations.counts(name).failed() == 1);
		assertThat(operations.retry(name, operations.failedJobs(name, 0, 1).get(0).id()).moved()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(15)).until(() -> operations.counts(name).failed() == 1);
		assertThat(operations.flush(name, JobState.FAILED)).isEqualTo(1);

		// the instance's heartbeat, which the dashboard lists: written, then deleted at a clean stop
		InstanceHeartbeat heartbeat = new InstanceHeartbeat(connector, List::of, Duration.ofMillis(100));
		String key = "{async-queue:instances}:" + heartbeat.id();
		heartbeat.start();
		try {
			await().atMost(Duration.ofSeconds(15)).until(() -> inspection.sync().exists(key) == 1
					&& inspection.sync().zscore("{async-queue:instances}", heartbeat.id()) != null);
			// the dashboard's instances page
			assertThat(new Instances(connector).live().join()).extracting(InstanceInfo::id).contains(heartbeat.id());
		}
		finally {
			heartbeat.close();
		}
		await().atMost(Duration.ofSeconds(15)).until(() -> inspection.sync().exists(key) == 0
				&& inspection.sync().zscore("{async-queue:instances}", heartbeat.id()) == null);

		// a recurring job: registered, ticked (its script), listed, paused, resumed and triggered by operators
		Schedule beat = new Schedule("beat", name, "ok", 9, Ticks.fixedRate(Duration.ofSeconds(1)), "every 1s",
				MisfirePolicy.SKIP, Duration.ofSeconds(3));
		QueueScheduler scheduler = new QueueScheduler(connector, this.serializer, queues, List.of(beat));
		scheduler.start();
		try {
			ScheduleOperations schedules = new ScheduleOperations(connector, queues);
			await().atMost(Duration.ofSeconds(15)).until(() -> schedules.schedule(name, "beat") != null
					&& schedules.schedule(name, "beat").pushes() > 0);
			assertThat(schedules.schedules(name)).hasSize(1);
			assertThat(schedules.pause(name, "beat")).isTrue();
			assertThat(schedules.resume(name, "beat")).isTrue();
			assertThat(schedules.trigger(name, "beat")).isTrue();
		}
		finally {
			scheduler.stop();
		}

		// the dashboard's reads: history and a job's page
		QueueHistory history = new QueueHistory(connector, queues);
		long minute = history.currentMinute().join();
		assertThat(history.lastHour(name, minute).join()).isNotEmpty();
		assertThat(history.lastDay(name, minute).join()).isNotEmpty();
		String job = client.push(name, "ok", 10, PushOptions.delay(Duration.ofHours(1))).id();
		assertThat(new JobInspector(connector, queues).find(name, job).join()).isNotNull();
	}

}
