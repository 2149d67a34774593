package io.asyncqueue.test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;

import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A TLS server made with certificates from the JDK alone, checked with clients that do and do not trust it. */
class RedisTlsTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@Test
	void speaksOnlyTlsWithACertificateFromItsAuthority() throws Exception {
		try (RedisServer redis = RedisServer.builder().tls(true).build()) {
			assertThat(redis.isTls()).isTrue();
			assertThat(redis.uri()).isEqualTo("rediss://127.0.0.1:" + redis.port());
			assertThat(Redis.call(redis, "PING")).isEqualTo("PONG");
			assertThat(Redis.config(redis, "port")).isEqualTo("0");
			assertThat(Redis.config(redis, "tls-port")).isEqualTo(String.valueOf(redis.port()));
			assertThat(Redis.config(redis, "tls-auth-clients")).isEqualTo("no");

			X509Certificate authority = certificate(redis.tls().caCertificate());
			X509Certificate server = certificate(redis.tls().serverCertificate());
			server.verify(authority.getPublicKey());
			assertThat(names(server)).containsExactly("localhost", "127.0.0.1");
			assertThat(authority.getBasicConstraints()).isGreaterThanOrEqualTo(0);
			assertThat(server.getBasicConstraints()).isEqualTo(-1);

			// a client trusting the authority, without a certificate of its own, is served
			assertThat(Resp.command(trusting(redis), "127.0.0.1", redis.port(), TIMEOUT, "PING")).isEqualTo("PONG");
			// plain text gets no answer
			assertThatThrownBy(() -> Resp.command("127.0.0.1", redis.port(), TIMEOUT, "PING")).isInstanceOf(IOException.class);
			// nor does a client that trusts only the JDK's authorities
			assertThatExceptionOfType(SSLException.class).isThrownBy(
					() -> Resp.command(SSLContext.getDefault().getSocketFactory(), "127.0.0.1", redis.port(), TIMEOUT, "PING"));
		}
	}

	@Test
	void mutualTlsServesOnlyClientsWithACertificateFromItsAuthority() throws Exception {
		try (RedisServer redis = RedisServer.builder().mutualTls(true).build()) {
			assertThat(redis.tls().clientCertificateRequired()).isTrue();
			assertThat(Redis.config(redis, "tls-auth-clients")).isEqualTo("yes");
			assertThat(Redis.call(redis, "PING")).isEqualTo("PONG"); // with the client certificate

			assertThatExceptionOfType(IOException.class)
				.isThrownBy(() -> Resp.command(trusting(redis), "127.0.0.1", redis.port(), TIMEOUT, "PING"));
		}
	}

	@Test
	void theCertificateNamesTheHostNamesAskedFor() throws Exception {
		try (RedisServer redis = RedisServer.builder().tls(true).tlsHostNames("localhost").build()) {
			assertThat(names(certificate(redis.tls().serverCertificate()))).containsExactly("localhost");
			assertThat(Redis.call(redis, "PING")).isEqualTo("PONG");
		}
	}

	@Test
	void stopsAndStartsAgainOverTls() {
		try (RedisServer redis = RedisServer.builder().tls(true).build()) {
			Redis.call(redis, "SET", "k", "v");
			redis.restart();
			assertThat(redis.isRunning()).isTrue();
			assertThat(Redis.call(redis, "PING")).isEqualTo("PONG");
		}
	}

	@Test
	void aPlainServerHasNoCertificates() {
		try (RedisServer redis = RedisServer.start()) {
			assertThat(redis.isTls()).isFalse();
			assertThatThrownBy(redis::tls).isInstanceOf(IllegalStateException.class)
				.hasMessageStartingWith("This Redis server was built without TLS; use RedisServer.builder().tls(true)");
		}
	}

	@Test
	void springPropertiesDefineABundleWithTheFiles() {
		try (RedisServer redis = RedisServer.builder().mutualTls(true).build()) {
			RedisTls tls = redis.tls();
			assertThat(tls.springProperties()).containsExactly(
					entry("spring.ssl.bundle.pem.embedded-redis.truststore.certificate", "file:" + tls.caCertificate()),
					entry("spring.ssl.bundle.pem.embedded-redis.keystore.certificate", "file:" + tls.clientCertificate()),
					entry("spring.ssl.bundle.pem.embedded-redis.keystore.private-key", "file:" + tls.clientPrivateKey()),
					entry("spring.data.redis.ssl.bundle", "embedded-redis"));
			assertThat(tls.clientPrivateKey()).content().startsWith("-----BEGIN PRIVATE KEY-----\n");
		}
	}

	private static java.util.List<String> names(X509Certificate certificate) throws Exception {
		return certificate.getSubjectAlternativeNames().stream().map((name) -> String.valueOf(name.get(1))).toList();
	}

	private static java.util.Map.Entry<String, String> entry(String key, String value) {
		return java.util.Map.entry(key, value);
	}

	/** Sockets that trust the server's authority and present no certificate. */
	private static SocketFactory trusting(RedisServer redis) throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		store.setCertificateEntry("ca", certificate(redis.tls().caCertificate()));
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(store);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trust.getTrustManagers(), null);
		return context.getSocketFactory();
	}

	private static X509Certificate certificate(java.nio.file.Path pem) throws Exception {
		try (InputStream in = Files.newInputStream(pem)) {
			return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
	}

}
