package io.asyncqueue.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS side of a {@link RedisServer} built with {@link RedisServer.Builder#tls(boolean) tls(true)}: a
 * throw-away certificate authority made when the server is built, the server's certificate issued by it for
 * {@code localhost} and {@code 127.0.0.1} (or the names given to {@link RedisServer.Builder#tlsHostNames}),
 * and a client certificate from the same authority for mutual TLS. All are PEM files in the server's data
 * directory, deleted with it. The server speaks only TLS ({@code port 0}, {@code tls-port}).
 *
 * <pre>{@code
 * RedisServer redis = RedisServer.builder().tls(true).build();
 * RedisTls tls = redis.tls();
 * // spring.ssl.bundle.pem.redis.truststore.certificate=file:<tls.caCertificate()>
 * // spring.data.redis.ssl.bundle=redis
 * }</pre>
 *
 * @since 0.2.0
 */
public final class RedisTls {

	/** The Spring Boot SSL bundle {@link #springProperties()} defines. */
	public static final String SPRING_BUNDLE = "embedded-redis";

	private static final char[] NO_PASSWORD = new char[0];

	private final Path caCertificate;

	private final Path serverCertificate;

	private final Path serverPrivateKey;

	private final Path clientCertificate;

	private final Path clientPrivateKey;

	private final boolean clientCertificateRequired;

	private final SSLSocketFactory socketFactory;

	private RedisTls(Path directory, Certificates.Issued authority, Certificates.Issued server,
			Certificates.Issued client, boolean clientCertificateRequired) throws IOException {
		this.caCertificate = write(directory.resolve("ca.crt"), authority.certificatePem());
		this.serverCertificate = write(directory.resolve("server.crt"), server.certificatePem());
		this.serverPrivateKey = write(directory.resolve("server.key"), server.privateKeyPem());
		this.clientCertificate = write(directory.resolve("client.crt"), client.certificatePem());
		this.clientPrivateKey = write(directory.resolve("client.key"), client.privateKeyPem());
		this.clientCertificateRequired = clientCertificateRequired;
		this.socketFactory = clientContext(authority, client).getSocketFactory();
	}

	/** Makes the authority and both certificates, and writes them to the directory. */
	static RedisTls create(Path directory, List<String> hostNames, boolean clientCertificateRequired) {
		// a name of its own, as two real CAs have: servers find a client certificate's issuer by name
		Certificates.Issued authority = Certificates.authority("async-queue test CA " + UUID.randomUUID());
		Certificates.Issued server = Certificates.leaf(authority, "redis-server", hostNames);
		Certificates.Issued client = Certificates.leaf(authority, "redis-client", List.of());
		try {
			Files.createDirectories(directory);
			return new RedisTls(directory, authority, server, client, clientCertificateRequired);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write the test certificates to " + directory, ex);
		}
	}

	/**
	 * The certificate of the authority that issued the server's and the client's certificates: what a client
	 * trusts.
	 * @return a PEM file
	 */
	public Path caCertificate() {
		return this.caCertificate;
	}

	/**
	 * The server's certificate, valid for the server's host names.
	 * @return a PEM file
	 */
	public Path serverCertificate() {
		return this.serverCertificate;
	}

	/**
	 * A client certificate the server accepts, for mutual TLS.
	 * @return a PEM file
	 */
	public Path clientCertificate() {
		return this.clientCertificate;
	}

	/**
	 * The private key of {@link #clientCertificate()}, unencrypted PKCS#8.
	 * @return a PEM file
	 */
	public Path clientPrivateKey() {
		return this.clientPrivateKey;
	}

	/**
	 * Whether the server refuses clients without a certificate from the authority
	 * ({@code tls-auth-clients yes}).
	 * @return {@code true} for mutual TLS
	 */
	public boolean clientCertificateRequired() {
		return this.clientCertificateRequired;
	}

	/**
	 * Spring Boot properties for an SSL bundle named {@value #SPRING_BUNDLE} that trusts the authority and
	 * presents the client certificate, and {@code spring.data.redis.ssl.bundle} naming it.
	 * @return property names and values
	 */
	public Map<String, String> springProperties() {
		Map<String, String> properties = new LinkedHashMap<>();
		String bundle = "spring.ssl.bundle.pem." + SPRING_BUNDLE;
		properties.put(bundle + ".truststore.certificate", "file:" + this.caCertificate);
		properties.put(bundle + ".keystore.certificate", "file:" + this.clientCertificate);
		properties.put(bundle + ".keystore.private-key", "file:" + this.clientPrivateKey);
		properties.put("spring.data.redis.ssl.bundle", SPRING_BUNDLE);
		return properties;
	}

	/** The redis.conf lines that turn TLS on; the port is the server's {@code tls-port}. */
	List<String> serverConfig() {
		return List.of("tls-cert-file " + quote(this.serverCertificate), "tls-key-file " + quote(this.serverPrivateKey),
				"tls-ca-cert-file " + quote(this.caCertificate),
				"tls-auth-clients " + (this.clientCertificateRequired ? "yes" : "no"));
	}

	/** Sockets for this module's own commands (PING, INFO, SHUTDOWN), trusting the authority, with the client certificate. */
	SSLSocketFactory socketFactory() {
		return this.socketFactory;
	}

	private static SSLContext clientContext(Certificates.Issued authority, Certificates.Issued client) {
		try {
			KeyStore store = KeyStore.getInstance("PKCS12");
			store.load(null, null);
			store.setCertificateEntry("ca", authority.certificate());
			store.setKeyEntry("client", client.keys().getPrivate(), NO_PASSWORD,
					new Certificate[] { client.certificate(), authority.certificate() });
			KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keys.init(store, NO_PASSWORD);
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(store);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
			return context;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Could not make a TLS client context for the test certificates: " + ex, ex);
		}
	}

	private static Path write(Path file, String pem) throws IOException {
		return Files.writeString(file, pem, StandardCharsets.US_ASCII);
	}

	private static String quote(Path path) {
		return '"' + path.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
	}

}
