package io.asyncqueue.test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.SocketFactory;

/**
 * A minimal RESP2 client over a raw socket: one connection per command, no pooling, no library.
 * It exists so this module can check that a server answers (PING), read INFO and ask it to SHUTDOWN
 * without depending on a Redis client library; tests use it for SET/GET as well.
 */
final class Resp {

	/** An error reply ({@code -ERR ...}) from the server. */
	static final class ErrorReply extends IOException {
		private static final long serialVersionUID = 1L;

		ErrorReply(String message) {
			super(message);
		}
	}

	private Resp() {
	}

	/**
	 * Sends one command and reads one reply.
	 *
	 * @return a {@code String} for simple and bulk strings, {@code Long} for integers, {@code null} for a
	 *     null bulk string, or a {@code List<Object>} for arrays
	 * @throws ErrorReply when the server answers with an error
	 * @throws IOException when the server cannot be reached or closes the connection
	 */
	static Object command(String host, int port, Duration timeout, String... args) throws IOException {
		return command(SocketFactory.getDefault(), host, port, timeout, args);
	}

	/** {@link #command(String, int, Duration, String...)} over sockets of the factory, e.g. TLS ones. */
	static Object command(SocketFactory sockets, String host, int port, Duration timeout, String... args)
			throws IOException {
		try (Socket socket = sockets.createSocket()) {
			int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
			socket.connect(new InetSocketAddress(host, port), millis);
			socket.setSoTimeout(millis);
			socket.setTcpNoDelay(true);
			OutputStream out = socket.getOutputStream();
			out.write(encode(args));
			out.flush();
			return read(new BufferedInputStream(socket.getInputStream()));
		}
	}

	/** {@code true} when the server at host:port answers PING with PONG. */
	static boolean ping(SocketFactory sockets, String host, int port, Duration timeout) {
		try {
			return "PONG".equals(command(sockets, host, port, timeout, "PING"));
		} catch (IOException e) {
			return false;
		}
	}

	/** {@code true} when something accepts TCP connections at host:port. */
	static boolean accepts(String host, int port, Duration timeout) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
			return true;
		} catch (IOException e) {
			return false;
		}
	}

	/** Reads one field (e.g. {@code redis_version}) of {@code INFO <section>}, or {@code null}. */
	static String info(SocketFactory sockets, String host, int port, Duration timeout, String section,
			String field) throws IOException {
		Object reply = command(sockets, host, port, timeout, "INFO", section);
		if (!(reply instanceof String)) {
			return null;
		}
		for (String line : ((String) reply).split("\r?\n")) {
			if (line.startsWith(field + ":")) {
				return line.substring(field.length() + 1).trim();
			}
		}
		return null;
	}

	static byte[] encode(String... args) {
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		writeAscii(buf, "*" + args.length + "\r\n");
		for (String arg : args) {
			byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
			writeAscii(buf, "$" + bytes.length + "\r\n");
			buf.write(bytes, 0, bytes.length);
			writeAscii(buf, "\r\n");
		}
		return buf.toByteArray();
	}

	private static void writeAscii(ByteArrayOutputStream buf, String s) {
		byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
		buf.write(bytes, 0, bytes.length);
	}

	static Object read(InputStream in) throws IOException {
		int type = in.read();
		if (type < 0) {
			throw new EOFException("connection closed by the server");
		}
		String line = readLine(in);
		switch (type) {
			case '+':
				return line;
			case '-':
				throw new ErrorReply(line);
			case ':':
				return Long.parseLong(line);
			case '$': {
				int length = Integer.parseInt(line);
				if (length < 0) {
					return null;
				}
				byte[] data = in.readNBytes(length);
				if (data.length < length) {
					throw new EOFException("connection closed inside a bulk string");
				}
				readLine(in); // trailing CRLF
				return new String(data, StandardCharsets.UTF_8);
			}
			case '*': {
				int count = Integer.parseInt(line);
				if (count < 0) {
					return null;
				}
				List<Object> items = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					try {
						items.add(read(in));
					} catch (ErrorReply e) {
						items.add(e);
					}
				}
				return items;
			}
			default:
				throw new IOException("unexpected RESP type byte '" + (char) type + "'");
		}
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int b = in.read();
			if (b < 0) {
				throw new EOFException("connection closed inside a reply");
			}
			if (previous == '\r' && b == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(b);
			previous = b;
		}
	}
}
