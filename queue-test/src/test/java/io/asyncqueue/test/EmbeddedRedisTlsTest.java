package io.asyncqueue.test;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@EmbeddedRedis(mutualTls = true)
class EmbeddedRedisTlsTest {

	@Test
	void givesTheClassAMutualTlsServerAndSpringAnSslBundle(RedisServer server) {
		assertThat(server).isNotSameAs(RedisServerExtension.sharedServer());
		assertThat(server.tls().clientCertificateRequired()).isTrue();
		assertThat(Redis.call(server, "PING")).isEqualTo("PONG");
		assertThat(System.getProperty("spring.data.redis.port")).isEqualTo(String.valueOf(server.port()));
		assertThat(System.getProperty("spring.data.redis.ssl.bundle")).isEqualTo(RedisTls.SPRING_BUNDLE);
		assertThat(System.getProperty("spring.ssl.bundle.pem.embedded-redis.truststore.certificate"))
			.isEqualTo("file:" + server.tls().caCertificate());
	}

}
