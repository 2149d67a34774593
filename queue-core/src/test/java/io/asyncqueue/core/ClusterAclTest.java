package io.asyncqueue.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.redis.RedisFailures;
import io.asyncqueue.test.EmbeddedRedisCluster;
import io.asyncqueue.test.RedisCluster;
import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * On a real Redis Cluster (3 masters, 1 replica each), a user with {@link QueueAcl#rules(String, boolean) the
 * cluster rules} on every node pushes and consumes through the engine's cluster client, whose topology refresh asks
 * every node; the commands it sends beyond the standalone rules are exactly {@link QueueAcl#CLUSTER_COMMANDS}; and
 * the standalone rules alone are not enough.
 */
@EmbeddedRedisCluster(masters = 3, replicasPerMaster = 1)
class ClusterAclTest {

	private static final String USER = "queue-cluster-app";

	private static final String KEYS = "{acl-cluster:*";

	/** Sent on connect or allowed by +@connection, as in QueueAclTest. */
	private static final Set<String> CONNECTION = Set.of("hello", "auth", "client", "ping", "select", "quit", "wait");

	private final RedisCluster cluster;

	ClusterAclTest(RedisCluster cluster) {
		this.cluster = cluster;
	}

	@AfterEach
	void deleteUser() {
		for (RedisServer node : this.cluster.nodes()) {
			admin(node, "ACL", "DELUSER", USER);
		}
	}

	@Test
	void aUserWithTheClusterRulesPushesAndConsumesAndSendsNothingElse() {
		createUserOnEveryNode(QueueAcl.rules(KEYS, true));
		Set<String> sent = ConcurrentHashMap.newKeySet();
		RedisClusterClient client = restrictedClient();
		client.addListener(new CommandListener() {
			@Override
			public void commandStarted(CommandStartedEvent event) {
				sent.add(name(event.getCommand()));
			}
		});
		try (RedisConnector connector = RedisConnector.of(client)) {
			QueueSettings settings = QueueSettings.builder("acl-cluster")
				.channel("acl-cluster:jobs")
				.blockingTimeout(Duration.ofSeconds(1))
				.build();
			Queues queues = Queues.of(settings);
			QueueClient queueClient = new QueueClient(connector, new JobSerializer(), queues);
			QueueOperations operations = new QueueOperations(connector, new JobSerializer(), queues);
			Set<Integer> handled = ConcurrentHashMap.newKeySet();
			queueClient.push("acl-cluster", "ok", 1);
			queueClient.push("acl-cluster", "ok", 2, PushOptions.delay(Duration.ofMillis(200)));
			QueueWorker worker = QueueWorker.builder(settings, connector)
				.job("ok", Integer.class, (payload, context) -> handled.add(payload))
				.build();
			worker.start();
			try {
				await().atMost(Duration.ofSeconds(30)).until(() -> handled.equals(Set.of(1, 2)));
				await().atMost(Duration.ofSeconds(10)).until(() -> operations.counts("acl-cluster").reserved() == 0);
			}
			finally {
				worker.stop();
			}
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
		for (RedisServer node : this.cluster.nodes()) {
			assertThat(refusals(node)).as("refused on " + node.uri()).isEmpty();
		}
		Set<String> beyondStandalone = new TreeSet<>(sent);
		beyondStandalone.removeAll(CONNECTION);
		beyondStandalone.removeAll(QueueAcl.commands());
		assertThat(beyondStandalone).as("commands sent beyond the standalone rules")
			.isEqualTo(new TreeSet<>(QueueAcl.CLUSTER_COMMANDS));
	}

	@Test
	void theStandaloneRulesAreNotEnoughOnACluster() {
		createUserOnEveryNode(QueueAcl.rules(KEYS));
		RedisClusterClient client = restrictedClient();
		try {
			assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> RedisConnector.of(client).close())
				.satisfies((ex) -> assertThat(RedisFailures.permanentProblem(ex))
					.startsWith("Redis refused a command of the queue (ACL, permanent): NOPERM this user has no permissions "
							+ "to run the " + (redis6() ? "'cluster' command or its subcommand" : "'cluster|nodes' command")));
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
		// Redis 6.2's ACL LOG names the command without its subcommand
		assertThat(String.valueOf(admin(this.cluster.masters().get(0), "ACL", "LOG")))
			.contains(redis6() ? "cluster" : "cluster|nodes");
	}

	@Test
	void theClusterRulesAreTheStandaloneOnesAndTheClusterCommands() {
		assertThat(QueueAcl.rules(KEYS, true)).isEqualTo(QueueAcl.rules(KEYS) + " +cluster|myid +cluster|nodes +info");
	}

	private void createUserOnEveryNode(String rules) {
		for (RedisServer node : this.cluster.nodes()) {
			admin(node, "ACL", "LOG", "RESET");
			admin(node, ("ACL SETUSER " + USER + " reset on >pw " + rules).split(" "));
		}
	}

	private RedisClusterClient restrictedClient() {
		RedisClusterClient client = RedisClusterClient.create(this.cluster.nodes()
			.stream()
			.map((node) -> RedisURI.builder().withHost(node.host()).withPort(node.port()).withAuthentication(USER, "pw").build())
			.toList());
		client.setOptions(RedisConnector.defaultClusterClientOptions());
		return client;
	}

	private boolean redis6() {
		return this.cluster.masters().get(0).version().startsWith("6.");
	}

	/**
	 * The node's ACL LOG entries, less the one refusal the rules cannot avoid: on Redis 6.2, whose ACL counts all of
	 * {@code CLIENT} as dangerous and checks before finding the subcommand unknown, Lettuce's {@code CLIENT SETINFO}
	 * (sent in the handshake, where command listeners do not see it, its reply ignored). Redis 7.0 answers it "unknown
	 * subcommand", 7.2+ allows it under {@code +@connection}; a rule {@code +client|setinfo} would be refused by 7.0's
	 * {@code ACL SETUSER}. The CLIENT command the rules do allow, SETNAME, is proven on 6.2 by QueueAclTest.
	 */
	private List<Object> refusals(RedisServer node) {
		List<Object> refusals = new ArrayList<>();
		for (Object entry : (List<?>) admin(node, "ACL", "LOG")) {
			List<?> fields = (List<?>) entry;
			Object object = fields.get(fields.indexOf("object") + 1);
			boolean setinfo = redis6() && "client".equals(object);
			if (!setinfo) {
				refusals.add(entry);
			}
		}
		return refusals;
	}

	private static String firstArgument(RedisCommand<?, ?, ?> command) {
		return (command.getArgs() != null) ? command.getArgs().toCommandString().split(" ")[0].toLowerCase(Locale.ROOT)
				: "";
	}

	/** The command as ACL rules name it: {@code cluster|nodes} for a subcommand of CLUSTER. */
	private static String name(RedisCommand<?, ?, ?> command) {
		String type = command.getType().toString().toLowerCase(Locale.ROOT);
		if (command.getType() == CommandType.CLUSTER && command.getArgs() != null) {
			return type + "|" + firstArgument(command);
		}
		return type;
	}

	private static Object admin(RedisServer node, String... command) {
		RedisClient client = RedisClient.create(node.uri());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return connection.sync()
				.dispatch(CommandType.valueOf(command[0]), new NestedMultiOutput<>(StringCodec.UTF8),
						new CommandArgs<>(StringCodec.UTF8).addValues(Arrays.copyOfRange(command, 1, command.length)));
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

}
