package io.asyncqueue.benchmark;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The driver's own connection to the private redis-server: a minimal RESP client (no client library,
 * so that the driver adds nothing to what it measures but its own INFO calls, which it subtracts).
 */
public final class RedisProbe implements Closeable {

	private final Socket socket;

	private final OutputStream out;

	private final InputStream in;

	public RedisProbe(int port) {
		try {
			this.socket = new Socket();
			this.socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			this.socket.setSoTimeout(60_000);
			this.socket.setTcpNoDelay(true);
			this.out = this.socket.getOutputStream();
			this.in = new BufferedInputStream(this.socket.getInputStream());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot connect to redis on 127.0.0.1:" + port, ex);
		}
	}

	/** The local port of this connection, to tell the driver's own commands apart in MONITOR. */
	public int localPort() {
		return this.socket.getLocalPort();
	}

	public synchronized Object call(String... args) {
		try {
			ByteArrayOutputStream buffer = new ByteArrayOutputStream();
			buffer.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
			for (String arg : args) {
				byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
				buffer.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
				buffer.write(bytes);
				buffer.write("\r\n".getBytes(StandardCharsets.UTF_8));
			}
			this.out.write(buffer.toByteArray());
			this.out.flush();
			return read(this.in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static Object read(InputStream in) throws IOException {
		int type = in.read();
		if (type < 0) {
			throw new IOException("connection closed");
		}
		String line = line(in);
		switch (type) {
			case '+':
				return line;
			case '-':
				throw new IllegalStateException("redis error: " + line);
			case ':':
				return Long.parseLong(line);
			case '$': {
				int length = Integer.parseInt(line);
				if (length < 0) {
					return null;
				}
				byte[] bytes = in.readNBytes(length);
				in.readNBytes(2);
				return new String(bytes, StandardCharsets.UTF_8);
			}
			case '*': {
				int count = Integer.parseInt(line);
				if (count < 0) {
					return null;
				}
				List<Object> items = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					items.add(read(in));
				}
				return items;
			}
			default:
				throw new IOException("unexpected RESP type '" + (char) type + "'");
		}
	}

	private static String line(InputStream in) throws IOException {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int c = in.read();
			if (c < 0) {
				throw new IOException("connection closed");
			}
			if (previous == '\r' && c == '\n') {
				byte[] bytes = buffer.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			buffer.write(c);
			previous = c;
		}
	}

	/** One INFO section as key → value. */
	public Map<String, String> info(String section) {
		String text = (String) call("INFO", section);
		Map<String, String> values = new LinkedHashMap<>();
		for (String line : text.split("\r\n")) {
			if (line.isEmpty() || line.startsWith("#")) {
				continue;
			}
			int colon = line.indexOf(':');
			if (colon > 0) {
				values.put(line.substring(0, colon), line.substring(colon + 1));
			}
		}
		return values;
	}

	/** Calls per command from INFO commandstats. */
	public Map<String, Long> commandCalls() {
		Map<String, Long> calls = new LinkedHashMap<>();
		info("commandstats").forEach((key, value) -> {
			if (key.startsWith("cmdstat_")) {
				for (String part : value.split(",")) {
					if (part.startsWith("calls=")) {
						calls.put(key.substring("cmdstat_".length()), Long.parseLong(part.substring(6)));
					}
				}
			}
		});
		return calls;
	}

	/** Calls and microseconds per command from INFO commandstats. */
	public Map<String, long[]> commandStats() {
		Map<String, long[]> stats = new LinkedHashMap<>();
		info("commandstats").forEach((key, value) -> {
			if (key.startsWith("cmdstat_")) {
				long calls = 0;
				long usec = 0;
				for (String part : value.split(",")) {
					if (part.startsWith("calls=")) {
						calls = Long.parseLong(part.substring(6));
					}
					else if (part.startsWith("usec=")) {
						usec = Long.parseLong(part.substring(5));
					}
				}
				stats.put(key.substring("cmdstat_".length()), new long[] { calls, usec });
			}
		});
		return stats;
	}

	/** used_memory less the memory of client buffers, in bytes. */
	public long dataMemory() {
		Map<String, String> memory = info("memory");
		return Long.parseLong(memory.get("used_memory")) - Long.parseLong(memory.getOrDefault("mem_clients_normal", "0"));
	}

	/** Redis's CPU time so far (user + system, all threads), in ms. */
	public double cpuMillis() {
		Map<String, String> cpu = info("cpu");
		return (Double.parseDouble(cpu.get("used_cpu_user")) + Double.parseDouble(cpu.get("used_cpu_sys"))) * 1000;
	}

	public void flushAll() {
		call("FLUSHALL", "SYNC");
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closing
		}
	}

	/**
	 * Counts, with MONITOR, the commands clients send (round trips) and the commands scripts run, by
	 * name, leaving out the driver's own connection.
	 */
	public static final class Monitor implements Closeable {

		private final Socket socket;

		private final Thread reader;

		private final String ignoredClient;

		private final Map<String, AtomicLong> clientCommands = new ConcurrentHashMap<>();

		private final Map<String, AtomicLong> scriptCommands = new ConcurrentHashMap<>();

		private final long startNanos;

		private volatile long endNanos;

		public Monitor(int port, int ignoredLocalPort) throws IOException {
			this.ignoredClient = "127.0.0.1:" + ignoredLocalPort;
			this.socket = new Socket();
			this.socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			this.socket.setSoTimeout(0);
			OutputStream out = this.socket.getOutputStream();
			out.write("*1\r\n$7\r\nMONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = new BufferedInputStream(this.socket.getInputStream());
			Object ok = read(in);
			if (!"OK".equals(ok)) {
				throw new IOException("MONITOR answered " + ok);
			}
			this.startNanos = System.nanoTime();
			this.reader = new Thread(() -> loop(in), "monitor");
			this.reader.setDaemon(true);
			this.reader.start();
		}

		private void loop(InputStream in) {
			try {
				while (true) {
					Object line = read(in);
					if (line instanceof String text) {
						count(text);
					}
				}
			}
			catch (IOException | RuntimeException ex) {
				// closed
			}
		}

		private void count(String line) {
			int open = line.indexOf('[');
			int close = line.indexOf(']', open + 1);
			if (open < 0 || close < 0) {
				return;
			}
			String source = line.substring(open + 1, close);
			int space = source.indexOf(' ');
			String client = (space >= 0) ? source.substring(space + 1) : source;
			int q1 = line.indexOf('"', close);
			int q2 = (q1 >= 0) ? line.indexOf('"', q1 + 1) : -1;
			String command = (q1 >= 0 && q2 > q1) ? line.substring(q1 + 1, q2).toLowerCase() : "?";
			if (client.equals(this.ignoredClient)) {
				return;
			}
			Map<String, AtomicLong> target = client.equals("lua") ? this.scriptCommands : this.clientCommands;
			target.computeIfAbsent(command, (k) -> new AtomicLong()).incrementAndGet();
		}

		public Map<String, Long> clientCommands() {
			return snapshot(this.clientCommands);
		}

		public Map<String, Long> scriptCommands() {
			return snapshot(this.scriptCommands);
		}

		public double seconds() {
			long end = (this.endNanos != 0) ? this.endNanos : System.nanoTime();
			return (end - this.startNanos) / 1e9;
		}

		private static Map<String, Long> snapshot(Map<String, AtomicLong> counts) {
			Map<String, Long> copy = new java.util.TreeMap<>();
			counts.forEach((k, v) -> copy.put(k, v.get()));
			return copy;
		}

		@Override
		public void close() {
			this.endNanos = System.nanoTime();
			try {
				this.socket.close();
			}
			catch (IOException ex) {
				// closing
			}
			try {
				this.reader.join(2000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
