package io.asyncqueue.core.redis;

import java.util.concurrent.CompletionException;

import javax.net.ssl.SSLHandshakeException;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.PartitionSelectorException;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.QueueException;
import io.asyncqueue.core.RedisAccessDeniedException;
import io.asyncqueue.core.RedisUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the client reports while Redis, a Sentinel set-up or a Cluster fails over is "retry", what an ACL,
 * password or certificate refuses is "permanent", and the rest is neither. The messages are Lettuce's and
 * Redis's own, as seen in the failover tests.
 */
class RedisFailuresTest {

	/** How Redis 6.2 begins the error of a command that failed inside a script, before that command's own error. */
	private static final String SCRIPT_62 = "ERR Error running script (call to f_70304ae5e98fa463fee5bbd985c8440b4bb4b7a8): "
			+ "@user_script:231: @user_script: 231: ";

	@Test
	void failoversAndOutagesAreRetryable() {
		assertThat(RedisFailures.exception("Could not push", new RedisException("Connection disconnected")))
			.isInstanceOf(RedisUnavailableException.class)
			.hasMessageStartingWith("Could not push: Redis is unreachable or failing over, retry: Connection disconnected");
		for (Throwable failure : new Throwable[] { new RedisException("Currently not connected. Commands are rejected."),
				new RedisConnectionException("Unable to connect to 127.0.0.1:7000"),
				new RedisCommandTimeoutException("Command timed out after 10 second(s)"),
				new PartitionSelectorException("Cannot determine a partition for slot 9611.", null),
				new RedisCommandExecutionException("CLUSTERDOWN The cluster is down"),
				new RedisCommandExecutionException("TRYAGAIN Multiple keys request during rehashing of slot"),
				new RedisCommandExecutionException("READONLY You can't write against a read only replica."),
				new RedisCommandExecutionException("LOADING Redis is loading the dataset in memory"),
				new RedisCommandExecutionException("NOREPLICAS Not enough good replicas to write."),
				// Redis 6.2's words for a write refused inside a script
				new RedisCommandExecutionException(SCRIPT_62 + "-READONLY You can't write against a read only replica."),
				new RedisCommandExecutionException(SCRIPT_62 + "-NOREPLICAS Not enough good replicas to write.") }) {
			assertThat(RedisFailures.exception("x", new CompletionException(failure))).as(failure.toString())
				.isInstanceOf(RedisUnavailableException.class);
		}
		assertThat(((RedisUnavailableException) RedisFailures.exception("x",
				new RedisException("Currently not connected. Commands are rejected."))).mayHaveBeenWritten())
			.isFalse();
		assertThat(((RedisUnavailableException) RedisFailures.exception("x",
				new RedisCommandTimeoutException("Command timed out"))).mayHaveBeenWritten())
			.isTrue();
		assertThat(((RedisUnavailableException) RedisFailures.exception("x",
				new RedisCommandExecutionException("NOREPLICAS Not enough good replicas to write."))).mayHaveBeenWritten())
			.as("refused at the script's first write").isFalse();
		assertThat(((RedisUnavailableException) RedisFailures.exception("x",
				new RedisCommandExecutionException(SCRIPT_62 + "-NOREPLICAS Not enough good replicas to write.")))
			.mayHaveBeenWritten()).as("6.2").isFalse();
	}

	@Test
	void aReadOnlyAnswerIsKnownInEitherVersionsWords() {
		assertThat(RedisFailures.readOnly("READONLY You can't write against a read only replica.")).isTrue();
		assertThat(RedisFailures.readOnly("READONLY You can't write against a read only replica. script: "
				+ "70304ae5e98fa463fee5bbd985c8440b4bb4b7a8, on @user_script:231.")).isTrue();
		assertThat(RedisFailures.readOnly(SCRIPT_62 + "-READONLY You can't write against a read only replica."))
			.isTrue();
		assertThat(RedisFailures.readOnly("ERR Error running script (call to f_70304ae5e98fa463fee5bbd985c8440b4bb4b7a8): "
				+ "@user_script:12: user_script:12: Script attempted to access a non local key -READONLY x")).isFalse();
		assertThat(RedisFailures.readOnly("ERR READONLY")).isFalse();
		assertThat(RedisFailures.exception("x", new RedisCommandExecutionException(
				SCRIPT_62 + "-WRONGTYPE Operation against a key holding the wrong kind of value")))
			.isNotInstanceOf(RedisUnavailableException.class);
	}

	@Test
	void refusalsNoRetryFixesArePermanentAndNamedFirst() {
		assertThat(RedisFailures.exception("Could not push",
				new RedisCommandExecutionException("NOPERM this user has no permissions to run the 'hset' command")))
			.isInstanceOf(RedisAccessDeniedException.class)
			.hasMessageStartingWith("Could not push: Redis refused a command of the queue (ACL, permanent): NOPERM");
		assertThat(RedisFailures.exception("x", new RedisConnectionException("Unable to connect",
				new RedisCommandExecutionException("WRONGPASS invalid username-password pair or user is disabled."))))
			.isInstanceOf(RedisAccessDeniedException.class)
			.hasMessageStartingWith("x: Redis refused the credentials (permanent): WRONGPASS");
		assertThat(RedisFailures.exception("x", new RedisConnectionException("Unable to connect",
				new SSLHandshakeException("PKIX path building failed: unable to find valid certification path"))))
			.isInstanceOf(RedisAccessDeniedException.class)
			.hasMessageStartingWith("x: TLS handshake with Redis failed on a certificate (permanent): PKIX");
	}

	@Test
	void aClientCertificateTheServerRefusesIsPermanent() {
		// the alerts redis-server 7.0 (OpenSSL 3) sends with tls-auth-clients yes, as seen in RedisTlsTests
		for (String alert : new String[] { "certificate_required", "unknown_ca" }) {
			assertThat(RedisFailures.exception("x", new RedisConnectionException("Unable to connect",
					new SSLHandshakeException("Received fatal alert: " + alert))))
				.isInstanceOf(RedisAccessDeniedException.class)
				.hasMessageStartingWith("x: Redis refused the TLS client certificate (mutual TLS, permanent): Received fatal alert: "
						+ alert);
		}
	}

	@Test
	void aWrongCallIsNeither() {
		assertThat(RedisFailures.exception("x", new RedisCommandExecutionException("ERR wrong number of arguments")))
			.isExactlyInstanceOf(QueueException.class);
	}

}
