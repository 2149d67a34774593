package io.asyncqueue.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The redis-server of a harness run: one private server on a free loopback port, no persistence, started
 * for the run, or one already running on a loopback port (a test's own server) that the run uses as it is.
 */
public final class RedisServerProcess implements AutoCloseable {

	private final Process process;

	private final int port;

	private final Path dir;

	private RedisServerProcess(Process process, int port, Path dir) {
		this.process = process;
		this.port = port;
		this.dir = dir;
	}

	/**
	 * Use a redis-server already running on 127.0.0.1 at this port; closing it leaves it running.
	 * @param port its port
	 * @return the server
	 */
	public static RedisServerProcess existing(int port) {
		try (RedisProbe probe = new RedisProbe(port)) {
			if (!"PONG".equals(probe.call("PING"))) {
				throw new IllegalStateException("no redis-server answers PING on 127.0.0.1:" + port);
			}
		}
		return new RedisServerProcess(null, port, null);
	}

	public static RedisServerProcess start(String executable, Path logFile) {
		try {
			int port = freePort();
			Path dir = Files.createTempDirectory("queue-benchmark-redis");
			ProcessBuilder builder = new ProcessBuilder(List.of(executable, "--port", Integer.toString(port), "--bind",
					"127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
					"--maxmemory-policy", "noeviction"));
			Files.createDirectories(logFile.getParent());
			builder.redirectErrorStream(true).redirectOutput(logFile.toFile());
			Process process = builder.start();
			RedisServerProcess server = new RedisServerProcess(process, port, dir);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (true) {
				try (RedisProbe probe = new RedisProbe(port)) {
					if ("PONG".equals(probe.call("PING"))) {
						return server;
					}
				}
				catch (RuntimeException ex) {
					if (!process.isAlive() || System.nanoTime() > deadline) {
						server.close();
						throw new IllegalStateException("redis-server did not start on port " + port + "; see " + logFile, ex);
					}
				}
				Thread.sleep(50);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	public int port() {
		return this.port;
	}

	/** The server's process id, or -1 for a server this run did not start. */
	public long pid() {
		return (this.process != null) ? this.process.pid() : -1;
	}

	@Override
	public void close() {
		if (this.process == null) {
			return;
		}
		if (this.process.isAlive()) {
			try (RedisProbe probe = new RedisProbe(this.port)) {
				probe.call("SHUTDOWN", "NOSAVE");
			}
			catch (RuntimeException ex) {
				// the connection drops as it shuts down
			}
			try {
				if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				this.process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}
		try (var files = Files.walk(this.dir)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
		}
		catch (IOException ex) {
			// best effort
		}
	}

}
