package io.asyncqueue.test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.security.auth.x500.X500Principal;

/**
 * Issues throw-away X.509 certificates (EC P-256, SHA-256) with nothing but the JDK: the JDK signs, and
 * this class writes the few DER structures a certificate needs. It exists so that a TLS server for tests
 * needs neither {@code openssl} nor a crypto library on the test class path.
 */
final class Certificates {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final byte[] ECDSA_WITH_SHA256 = oid(1, 2, 840, 10045, 4, 3, 2);

	private static final byte[] BASIC_CONSTRAINTS = oid(2, 5, 29, 19);

	private static final byte[] KEY_USAGE = oid(2, 5, 29, 15);

	private static final byte[] EXTENDED_KEY_USAGE = oid(2, 5, 29, 37);

	private static final byte[] SUBJECT_ALT_NAME = oid(2, 5, 29, 17);

	private static final byte[] SERVER_AUTH = oid(1, 3, 6, 1, 5, 5, 7, 3, 1);

	private static final byte[] CLIENT_AUTH = oid(1, 3, 6, 1, 5, 5, 7, 3, 2);

	/** Back-dated, so that a clock a little behind the server's still accepts it. */
	private static final Duration BACKDATE = Duration.ofHours(1);

	private static final Duration VALIDITY = Duration.ofDays(7);

	private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
		.withZone(ZoneOffset.UTC);

	private Certificates() {
	}

	/** A certificate and the key it certifies. */
	record Issued(X509Certificate certificate, KeyPair keys) {

		String certificatePem() {
			return pem("CERTIFICATE", encoded(this.certificate));
		}

		String privateKeyPem() {
			return pem("PRIVATE KEY", this.keys.getPrivate().getEncoded()); // PKCS#8
		}

	}

	/** A self-signed certificate authority. */
	static Issued authority(String commonName) {
		KeyPair keys = newKeys();
		X500Principal name = new X500Principal("CN=" + commonName);
		return new Issued(sign(name, keys.getPublic().getEncoded(), name, keys.getPrivate(), true, List.of()), keys);
	}

	/**
	 * A certificate for TLS servers and clients, issued by the authority.
	 * @param hostNames the DNS names and IP addresses it is valid for (empty for a client)
	 */
	static Issued leaf(Issued authority, String commonName, List<String> hostNames) {
		KeyPair keys = newKeys();
		X509Certificate certificate = sign(new X500Principal("CN=" + commonName), keys.getPublic().getEncoded(),
				authority.certificate().getSubjectX500Principal(), authority.keys().getPrivate(), false, hostNames);
		return new Issued(certificate, keys);
	}

	private static KeyPair newKeys() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("This JDK cannot make EC P-256 keys for a test certificate: " + ex, ex);
		}
	}

	private static X509Certificate sign(X500Principal subject, byte[] subjectPublicKeyInfo, X500Principal issuer,
			PrivateKey issuerKey, boolean authority, List<String> hostNames) {
		Instant now = Instant.now();
		byte[] algorithm = sequence(ECDSA_WITH_SHA256);
		byte[] tbs = sequence(element(0xA0, integer(BigInteger.TWO)), // v3
				integer(new BigInteger(64, RANDOM).add(BigInteger.ONE)), algorithm, issuer.getEncoded(),
				sequence(utcTime(now.minus(BACKDATE)), utcTime(now.plus(VALIDITY))), subject.getEncoded(),
				subjectPublicKeyInfo, element(0xA3, sequence(extensions(authority, hostNames))));
		try {
			Signature signer = Signature.getInstance("SHA256withECDSA");
			signer.initSign(issuerKey);
			signer.update(tbs);
			byte[] der = sequence(tbs, algorithm, bitString(signer.sign()));
			return (X509Certificate) CertificateFactory.getInstance("X.509")
				.generateCertificate(new ByteArrayInputStream(der));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not sign a test certificate for " + subject + ": " + ex, ex);
		}
	}

	private static byte[][] extensions(boolean authority, List<String> hostNames) {
		List<byte[]> extensions = new ArrayList<>();
		extensions.add(extension(BASIC_CONSTRAINTS, true,
				authority ? sequence(new byte[] { 0x01, 0x01, (byte) 0xFF }) : sequence()));
		// keyCertSign and cRLSign for the authority, digitalSignature for a leaf (bits 5, 6 and 0)
		extensions.add(extension(KEY_USAGE, true,
				authority ? new byte[] { 0x03, 0x02, 0x01, 0x06 } : new byte[] { 0x03, 0x02, 0x07, (byte) 0x80 }));
		if (!authority) {
			extensions.add(extension(EXTENDED_KEY_USAGE, false, sequence(SERVER_AUTH, CLIENT_AUTH)));
		}
		if (!hostNames.isEmpty()) {
			List<byte[]> names = new ArrayList<>();
			for (String host : hostNames) {
				names.add(isIpAddress(host) ? element(0x87, ipAddress(host))
						: element(0x82, host.getBytes(StandardCharsets.US_ASCII)));
			}
			extensions.add(extension(SUBJECT_ALT_NAME, false, sequence(names.toArray(byte[][]::new))));
		}
		return extensions.toArray(byte[][]::new);
	}

	private static boolean isIpAddress(String host) {
		return host.matches("[0-9.]+") || host.contains(":");
	}

	private static byte[] ipAddress(String literal) {
		try {
			return InetAddress.getByName(literal).getAddress(); // a literal: no lookup
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("Not an IP address: " + literal, ex);
		}
	}

	private static byte[] extension(byte[] oid, boolean critical, byte[] value) {
		return critical ? sequence(oid, new byte[] { 0x01, 0x01, (byte) 0xFF }, element(0x04, value))
				: sequence(oid, element(0x04, value));
	}

	// DER, just enough of it ------------------------------------------------------------------------------

	private static byte[] sequence(byte[]... parts) {
		return element(0x30, concat(parts));
	}

	private static byte[] integer(BigInteger value) {
		return element(0x02, value.toByteArray());
	}

	private static byte[] bitString(byte[] bits) {
		return element(0x03, concat(new byte[] { 0 }, bits));
	}

	private static byte[] utcTime(Instant instant) {
		return element(0x17, UTC_TIME.format(instant).getBytes(StandardCharsets.US_ASCII));
	}

	private static byte[] oid(int... arcs) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(40 * arcs[0] + arcs[1]);
		for (int i = 2; i < arcs.length; i++) {
			int arc = arcs[i];
			int shift = 28;
			while (shift > 0 && (arc >>> shift) == 0) {
				shift -= 7;
			}
			for (; shift > 0; shift -= 7) {
				out.write(0x80 | ((arc >>> shift) & 0x7F));
			}
			out.write(arc & 0x7F);
		}
		return element(0x06, out.toByteArray());
	}

	private static byte[] element(int tag, byte[] content) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
		out.write(tag);
		int length = content.length;
		if (length < 0x80) {
			out.write(length);
		}
		else {
			int bytes = (length > 0xFFFF) ? 3 : (length > 0xFF) ? 2 : 1;
			out.write(0x80 | bytes);
			for (int i = bytes - 1; i >= 0; i--) {
				out.write((length >>> (8 * i)) & 0xFF);
			}
		}
		out.writeBytes(content);
		return out.toByteArray();
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	private static byte[] encoded(X509Certificate certificate) {
		try {
			return certificate.getEncoded();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
				+ "\n-----END " + type + "-----\n";
	}

}
