package io.asyncqueue.spring.autoconfigure;

import java.security.cert.CertificateException;

import javax.net.ssl.SSLException;

import io.asyncqueue.core.redis.RedisFailures;
import org.jspecify.annotations.Nullable;

/**
 * Says why a connection to Redis failed in one line that leads with the root cause: Lettuce reports
 * "Unable to connect to host:port" and leaves a refused password or an untrusted certificate two or
 * three causes deep, where a log line or an HTTP error body does not show it.
 */
final class ConnectFailureDescription {

	private ConnectFailureDescription() {
	}

	/**
	 * Describe a failed connect attempt.
	 * @param failure what the client threw
	 * @param redis where it connected, credentials masked
	 * @param user the ACL user it authenticated as, or {@code null} for the default user
	 * @return the description, root cause first
	 */
	static String describe(Throwable failure, String redis, @Nullable String user) {
		Throwable root = failure;
		SSLException tls = null;
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			root = cause;
			if (tls == null && cause instanceof SSLException ssl) {
				tls = ssl;
			}
		}
		String message = String.valueOf(root.getMessage());
		if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH") || message.startsWith("ERR invalid password")
				|| message.startsWith("ERR AUTH")) {
			String who = (user != null) ? "user '" + user + "'" : "the default user";
			return "Redis at " + redis + " refused the password for " + who + ": " + message
					+ "; check spring.data.redis.password" + ((user != null) ? " and spring.data.redis.username" : "");
		}
		if (tls != null) {
			String detail = String.valueOf(tls.getMessage());
			if (detail.contains("No subject alternative") || detail.contains("No name matching")) {
				return "Redis at " + redis + " presented a TLS certificate that does not match the host name: " + detail
						+ "; connect with a host name the certificate names, or have the certificate name this host";
			}
			// alerts the server sent: it wants a client certificate (mutual TLS), or not the one it got
			if (detail.contains("certificate_required")) {
				return "Redis at " + redis + " refused the TLS connection: it requires a client certificate (mutual TLS) "
						+ "and got none: " + detail + "; give the SSL bundle a key store with a certificate the server's CA "
						+ "issued (spring.ssl.bundle.pem.<bundle>.keystore.certificate and .private-key)";
			}
			if (detail.contains("bad_certificate") || detail.contains("unknown_ca")
					|| detail.contains("unsupported_certificate") || detail.contains("certificate_unknown")) {
				return "Redis at " + redis + " refused the TLS connection: it does not accept this application's client "
						+ "certificate (mutual TLS): " + detail + "; present a certificate issued by the CA the server "
						+ "trusts (its tls-ca-cert-file)";
			}
			if (detail.contains("PKIX") || detail.contains("certificat") || root instanceof CertificateException
					|| root.getClass().getName().startsWith("sun.security")) {
				return "Redis at " + redis + " presented a TLS certificate this application does not trust (a certificate "
						+ "problem): " + detail + "; trust its CA with an SSL bundle (spring.data.redis.ssl.bundle)";
			}
			return "TLS handshake with Redis at " + redis + " failed: " + detail;
		}
		// e.g. an ACL without the cluster commands: each node's NOPERM is a suppressed exception, below a
		// multi-line "Cannot retrieve cluster partitions"
		String permanent = RedisFailures.permanentProblem(failure);
		if (permanent != null) {
			return "Could not connect to Redis at " + redis + ": " + permanent;
		}
		return "Could not connect to Redis at " + redis + ": " + message;
	}

}
