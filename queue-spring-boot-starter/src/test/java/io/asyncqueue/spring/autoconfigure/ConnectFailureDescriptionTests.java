package io.asyncqueue.spring.autoconfigure;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connect failure is described in one line that leads with its root cause, also when the cause is a node's
 * refusal that the cluster client keeps as a suppressed exception (as {@code ClusterAclTest} sees on a real
 * cluster with the standalone ACL).
 */
class ConnectFailureDescriptionTests {

	@Test
	void aClusterNodesRefusalIsNamedInTheFirstLine() {
		RuntimeException partitions = new RuntimeException("Cannot retrieve cluster partitions from [redis://127.0.0.1:7000]"
				+ "\n\nDetails:\n\t[redis://127.0.0.1:7000]: NOPERM this user has no permissions to run the 'cluster|nodes' command");
		partitions.addSuppressed(new RedisCommandExecutionException(
				"NOPERM this user has no permissions to run the 'cluster|nodes' command"));
		RedisConnectionException failure = new RedisConnectionException("Unable to establish a connection to Redis Cluster",
				partitions);

		assertThat(ConnectFailureDescription.describe(failure, "redis://127.0.0.1:7000", "queue-app"))
			.startsWith("Could not connect to Redis at redis://127.0.0.1:7000: Redis refused a command of the queue (ACL, "
					+ "permanent): NOPERM this user has no permissions to run the 'cluster|nodes' command; grant")
			.doesNotContain("\n");
	}

}
