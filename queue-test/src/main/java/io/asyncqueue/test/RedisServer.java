package io.asyncqueue.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.SocketFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, private {@code redis-server} for tests: started on a loopback port with a temporary working
 * directory, no RDB snapshots ({@code save ""}), {@code protected-mode no}, and append-only persistence
 * only when asked for.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *   connectTo(redis.uri());          // redis://127.0.0.1:<port>
 *   redis.stop();                    // simulate an outage: the port now refuses connections
 *   redis.startAgain();              // same port, same data directory
 * }
 * }</pre>
 *
 * <p>Where the binary comes from is decided by {@link RedisServerProvider}: by default a
 * {@code redis-server} on the {@code PATH}, else the one bundled in the embedded-redis artifact. Which one is
 * used is logged once (logger {@code io.asyncqueue.test.RedisServer}, INFO).
 *
 * <p>Every server still running when the JVM exits is stopped by a shutdown hook, so none outlives the
 * test JVM (unless that JVM is killed with {@code SIGKILL}).
 *
 * <p>In JUnit 5 tests, prefer {@link EmbeddedRedis @EmbeddedRedis}, which shares one server per JVM.
 *
 * <p>Instances are thread-safe.
 *
 * @since 0.1.0
 */
public final class RedisServer implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(RedisServer.class);

	private static final String LOOPBACK = "127.0.0.1";
	private static final Duration IO_TIMEOUT = Duration.ofSeconds(2);
	private static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(20);
	private static final Duration PORT_RELEASE_TIMEOUT = Duration.ofSeconds(10);
	private static final int AUTO_PORT_ATTEMPTS = 3;

	private static final Set<RedisServer> LIVE = ConcurrentHashMap.newKeySet();
	private static final Set<String> ANNOUNCED = ConcurrentHashMap.newKeySet();
	private static final AtomicBoolean SHUTDOWN_HOOK = new AtomicBoolean();

	private final Backend backend;
	private final boolean appendOnly;
	private final Duration startupTimeout;
	private final Path dataDir;
	private final boolean closeAtJvmExit;
	private final RedisTls tls;
	private final SocketFactory sockets;
	private volatile int port;
	private volatile String version;
	private volatile boolean running;
	private volatile boolean closed;

	private RedisServer(Backend backend, boolean appendOnly, Duration startupTimeout, Path dataDir,
			boolean closeAtJvmExit, RedisTls tls) {
		this.backend = backend;
		this.tls = tls;
		this.sockets = (tls != null) ? tls.socketFactory() : SocketFactory.getDefault();
		this.appendOnly = appendOnly;
		this.startupTimeout = startupTimeout;
		this.dataDir = dataDir;
		this.closeAtJvmExit = closeAtJvmExit;
		this.version = backend.binaryVersion();
	}

	/**
	 * Starts a new private server on a free loopback port, with the {@link RedisServerProvider#AUTO AUTO}
	 * provider and no append-only file.
	 *
	 * @return the running server; close it when done
	 * @throws IllegalStateException when no server could be started; the message includes its output
	 */
	public static RedisServer start() {
		return builder().build();
	}

	/**
	 * A builder for a server with a fixed port, append-only persistence or a chosen provider.
	 *
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The host to connect to.
	 *
	 * @return {@code "127.0.0.1"} (or the Docker host when {@code TESTCONTAINERS} uses a remote Docker)
	 */
	public String host() {
		return backend.host();
	}

	/**
	 * The port the server listens on; it stays the same across {@link #stop()} and {@link #startAgain()}.
	 *
	 * @return the port
	 */
	public int port() {
		return port;
	}

	/**
	 * The server's address as a Redis URI.
	 *
	 * @return {@code "redis://127.0.0.1:<port>"}, or {@code "rediss://127.0.0.1:<port>"} for a TLS server
	 */
	public String uri() {
		return (tls != null ? "rediss://" : "redis://") + host() + ":" + port;
	}

	/**
	 * Whether the server speaks TLS (and only TLS).
	 *
	 * @return {@code true} for a server built with {@link Builder#tls(boolean) tls(true)}
	 * @since 0.2.0
	 */
	public boolean isTls() {
		return tls != null;
	}

	/**
	 * The certificates of a server built with {@link Builder#tls(boolean) tls(true)}: what a client trusts
	 * and the client certificate it may present.
	 *
	 * @return the TLS set-up
	 * @throws IllegalStateException when the server does not speak TLS
	 * @since 0.2.0
	 */
	public RedisTls tls() {
		if (tls == null) {
			throw new IllegalStateException("This Redis server was built without TLS; use RedisServer.builder().tls(true) "
					+ "or @EmbeddedRedis(tls = true): " + description());
		}
		return tls;
	}

	/**
	 * The Redis version, as reported by {@code INFO server} (or {@code redis-server --version}).
	 *
	 * @return e.g. {@code "7.0.15"}
	 */
	public String version() {
		return version;
	}

	/**
	 * A human-readable description of which server this is.
	 *
	 * @return e.g. {@code "redis-server 7.0.15 from /usr/bin/redis-server on 127.0.0.1:6399"}
	 */
	public String description() {
		return "redis-server " + version + " from " + backend.origin() + " on " + host() + ":" + port;
	}

	/**
	 * Whether the server process is running (it may have been {@link #stop() stopped} by a test).
	 *
	 * @return {@code true} while started and not stopped
	 */
	public boolean isRunning() {
		return running && !closed && backend.isAlive();
	}

	/**
	 * Stops the server, to simulate an outage: sends {@code SHUTDOWN NOSAVE}, then terminates (and if
	 * needed kills) the process, and waits until its port refuses connections. The data directory is kept,
	 * so with append-only persistence the data comes back with {@link #startAgain()}. Does nothing if the
	 * server is not running.
	 *
	 * @throws IllegalStateException if the port still accepts connections after 10 seconds
	 */
	public synchronized void stop() {
		if (!running) {
			return;
		}
		running = false;
		boolean shutdownSent = sendShutdown();
		backend.terminate(shutdownSent);
		if (!awaitPortClosed(PORT_RELEASE_TIMEOUT)) {
			throw new IllegalStateException("Stopped " + description() + " but its port still accepts connections after "
					+ PORT_RELEASE_TIMEOUT.toSeconds() + " s");
		}
		log.debug("Stopped {}", description());
	}

	/**
	 * Kills the server with {@code SIGKILL}, as a crash would: no {@code SHUTDOWN}, no last write to the
	 * append-only file, no goodbye to replicas or Sentinels. Like {@link #stop()}, the data directory is
	 * kept and {@link #startAgain()} brings it back on the same port. Does nothing if the server is not
	 * running.
	 *
	 * @throws IllegalStateException if the port still accepts connections after 10 seconds
	 * @since 0.2.0
	 */
	public synchronized void kill() {
		if (!running) {
			return;
		}
		running = false;
		backend.kill();
		if (!awaitPortClosed(PORT_RELEASE_TIMEOUT)) {
			throw new IllegalStateException("Killed " + description() + " but its port still accepts connections after "
					+ PORT_RELEASE_TIMEOUT.toSeconds() + " s");
		}
		log.debug("Killed {}", description());
	}

	/**
	 * Starts the stopped server again on the same port with the same data directory. Does nothing if it is
	 * running.
	 *
	 * @throws IllegalStateException if the server was closed, the port has been taken meanwhile, or the server
	 *     does not come up; the message includes the server's output
	 */
	public synchronized void startAgain() {
		if (closed) {
			throw new IllegalStateException("This Redis server was closed; start a new one: " + description());
		}
		if (isRunning()) {
			return;
		}
		if (running) {
			// it died by itself: clean up before starting it again
			running = false;
			backend.terminate(false);
		}
		try {
			launch(port, false);
		} catch (PortTaken e) {
			throw new IllegalStateException(e.getMessage(), e);
		}
	}

	/**
	 * {@link #stop() Stops} and {@link #startAgain() starts again} the server on the same port.
	 */
	public synchronized void restart() {
		stop();
		startAgain();
	}

	/**
	 * Stops the server and deletes its temporary data directory. Idempotent; the server cannot be started
	 * again afterwards.
	 */
	@Override
	public synchronized void close() {
		if (closed) {
			return;
		}
		try {
			stop();
		} finally {
			closed = true;
			LIVE.remove(this);
			backend.dispose();
			deleteRecursively(dataDir);
		}
	}

	/** {@return the description} */
	@Override
	public String toString() {
		return description();
	}

	/** The temporary working directory of the server (redis.conf, redis.log, the append-only file). */
	Path dataDirectory() {
		return dataDir;
	}

	RedisServerProvider provider() {
		return backend.provider();
	}

	/** Sends one command over a fresh connection; see {@link Resp#command}. */
	Object command(String... args) throws IOException {
		return Resp.command(sockets, backend.host(), port, IO_TIMEOUT, args);
	}

	/** Reads one field of {@code INFO <section>}, or {@code null} (also when the server cannot be reached). */
	String info(String section, String field) {
		try {
			return Resp.info(sockets, backend.host(), port, IO_TIMEOUT, section, field);
		} catch (IOException e) {
			return null;
		}
	}

	boolean isClosed() {
		return closed;
	}

	// ---------------------------------------------------------------------------------------------------------

	private void startFirst(int requestedPort) {
		if (requestedPort != 0) {
			try {
				launch(requestedPort, true);
				return;
			} catch (PortTaken e) {
				throw new IllegalStateException(e.getMessage(), e);
			}
		}
		List<String> failures = new ArrayList<>();
		for (int attempt = 1; attempt <= AUTO_PORT_ATTEMPTS; attempt++) {
			try {
				launch(freePort(), true);
				return;
			} catch (PortTaken e) {
				failures.add(e.getMessage()); // another process grabbed the free port first: try another one
			}
		}
		throw new IllegalStateException("Could not find a free port for redis-server after " + AUTO_PORT_ATTEMPTS
				+ " attempts: " + failures);
	}

	private void launch(int targetPort, boolean first) {
		if (Resp.accepts(backend.host(), targetPort, Duration.ofMillis(500))) {
			throw new PortTaken("Port " + targetPort + " on " + backend.host() + " is already in use by another process");
		}
		this.port = targetPort;
		try {
			backend.launch(targetPort, dataDir, appendOnly, startupTimeout);
		} catch (IOException e) {
			backend.terminate(false);
			throw new IllegalStateException("Could not launch redis-server from " + backend.origin() + ": " + e, e);
		} catch (RuntimeException e) {
			backend.terminate(false);
			throw e;
		}
		awaitReady(targetPort);
		running = true;
		if (closeAtJvmExit) {
			LIVE.add(this);
			registerShutdownHook();
		}
		try {
			String reported = Resp.info(sockets, backend.host(), targetPort, IO_TIMEOUT, "server", "redis_version");
			if (reported != null) {
				version = reported;
			}
		} catch (IOException e) {
			log.debug("Could not read INFO server from {}:{}", backend.host(), targetPort, e);
		}
		if (first && ANNOUNCED.add(backend.provider() + " " + backend.origin() + " " + version)) {
			log.info("Started a private {} (provider {}, data directory {}{})", description(), backend.provider(), dataDir,
					appendOnly ? ", append-only" : "");
		} else {
			log.debug("Started {}", description());
		}
	}

	private void awaitReady(int targetPort) {
		long deadline = System.nanoTime() + startupTimeout.toNanos();
		String host = backend.host();
		while (true) {
			if (Resp.ping(sockets, host, targetPort, IO_TIMEOUT)) {
				Long pid = reportedPid(host, targetPort);
				if (pid == null || backend.owns(pid)) {
					return;
				}
				backend.terminate(false);
				throw new PortTaken("Port " + targetPort + " is served by another redis-server (pid " + pid + ")");
			}
			if (!backend.isAlive()) {
				String output = backend.output();
				backend.terminate(false);
				if (output.contains("Address already in use")) {
					throw new PortTaken("Port " + targetPort + " was taken by another process: " + output);
				}
				throw new IllegalStateException(
						"redis-server from " + backend.origin() + " exited while starting on " + host + ":" + targetPort
								+ ". Its output:\n" + output);
			}
			if (System.nanoTime() > deadline) {
				String output = backend.output();
				backend.terminate(false);
				throw new IllegalStateException("redis-server from " + backend.origin() + " did not answer PING on " + host
						+ ":" + targetPort + " within " + startupTimeout.toMillis() + " ms. Its output:\n" + output);
			}
			sleep(20);
		}
	}

	private Long reportedPid(String host, int targetPort) {
		try {
			String pid = Resp.info(sockets, host, targetPort, IO_TIMEOUT, "server", "process_id");
			return pid == null ? null : Long.valueOf(pid);
		} catch (IOException | NumberFormatException e) {
			return null;
		}
	}

	private boolean sendShutdown() {
		try {
			Resp.command(sockets, backend.host(), port, IO_TIMEOUT, "SHUTDOWN", "NOSAVE");
			return true; // no reply is expected, but accept one
		} catch (Resp.ErrorReply e) {
			log.debug("SHUTDOWN NOSAVE refused by {}: {}", description(), e.getMessage());
			return false;
		} catch (IOException e) {
			// the server closes the connection without a reply when it shuts down
			return !(e instanceof ConnectException);
		}
	}

	private boolean awaitPortClosed(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (Resp.accepts(backend.host(), port, Duration.ofMillis(200))) {
			if (System.nanoTime() > deadline) {
				return false;
			}
			sleep(20);
		}
		return true;
	}

	/** A port of 127.0.0.1 that is free now. */
	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
			return socket.getLocalPort();
		} catch (IOException e) {
			throw new UncheckedIOException("Could not find a free port on " + LOOPBACK, e);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for redis-server", e);
		}
	}

	private static void registerShutdownHook() {
		if (SHUTDOWN_HOOK.compareAndSet(false, true)) {
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				for (RedisServer server : LIVE.toArray(new RedisServer[0])) {
					try {
						server.close();
					} catch (RuntimeException ignored) {
						// nothing useful to do while the JVM exits
					}
				}
			}, "asyncqueue-redis-server-shutdown"));
		}
	}

	private static void deleteRecursively(Path dir) {
		if (dir == null || !Files.exists(dir)) {
			return;
		}
		try {
			Files.walkFileTree(dir, new SimpleFileVisitor<>() {
				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					Files.deleteIfExists(file);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
					Files.deleteIfExists(d);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
					if (e instanceof NoSuchFileException) {
						return FileVisitResult.CONTINUE;
					}
					throw e;
				}
			});
		} catch (IOException e) {
			log.debug("Could not delete {}", dir, e);
		}
	}

	private static Backend backendFor(RedisServerProvider requested, List<String> config, boolean sentinel,
			boolean tls) {
		RedisServerProvider provider = requested == RedisServerProvider.AUTO ? RedisServerProvider.configured() : requested;
		if (config.isEmpty() && !sentinel && !tls) {
			return backendFor(provider);
		}
		if (provider == RedisServerProvider.TESTCONTAINERS) {
			throw new IllegalStateException("Redis Cluster, Sentinel and TLS set-ups run redis-server processes; the "
					+ "TESTCONTAINERS provider cannot start them. Use " + RedisServerProvider.PROVIDER_PROPERTY
					+ "=path|embedded|auto");
		}
		ProcessBackend plain = (ProcessBackend) backendFor(provider);
		return plain.with(config, sentinel, tls);
	}

	private static Backend backendFor(RedisServerProvider provider) {
		switch (provider) {
			case PATH: {
				Binaries.Binary binary = Binaries.configured();
				if (binary == null) {
					binary = Binaries.onPath();
				}
				if (binary == null) {
					throw new IllegalStateException("The PATH Redis provider was chosen but there is no redis-server on the PATH ("
							+ System.getenv("PATH") + "); install Redis, set " + RedisServerProvider.SERVER_PROPERTY + " / "
							+ RedisServerProvider.SERVER_ENV + " to a redis-server binary, or use the embedded provider");
				}
				return new ProcessBackend(binary);
			}
			case EMBEDDED:
				return new ProcessBackend(Binaries.embedded());
			case TESTCONTAINERS:
				return containerBackend();
			case AUTO:
			default: {
				Binaries.Binary binary = Binaries.configured();
				if (binary == null) {
					binary = Binaries.onPath();
				}
				return new ProcessBackend(binary != null ? binary : Binaries.embedded());
			}
		}
	}

	private static Backend containerBackend() {
		try {
			Class.forName("org.testcontainers.DockerClientFactory", false, RedisServer.class.getClassLoader());
		} catch (ClassNotFoundException | LinkageError e) {
			throw new IllegalStateException("The TESTCONTAINERS Redis provider needs org.testcontainers:testcontainers "
					+ "on the test class path (queue-test declares it optional); add it as a test dependency, or use "
					+ RedisServerProvider.PROVIDER_PROPERTY + "=path|embedded|auto");
		}
		String image = System.getProperty(RedisServerProvider.IMAGE_PROPERTY, "redis:7");
		return new ContainerBackend(image);
	}

	/** The chosen port could not be used; with an automatic port another one is tried. */
	private static final class PortTaken extends RuntimeException {
		private static final long serialVersionUID = 1L;

		PortTaken(String message) {
			super(message);
		}
	}

	/**
	 * Configures and starts a {@link RedisServer}.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private int port;
		private boolean appendOnly;
		private RedisServerProvider provider = RedisServerProvider.AUTO;
		private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
		private boolean closeAtJvmExit = true;

		private final List<String> config = new ArrayList<>();

		private boolean sentinel;

		private boolean tls;

		private boolean mutualTls;

		private List<String> tlsHostNames = List.of("localhost", "127.0.0.1");

		private Builder() {
		}

		/**
		 * Whether the server speaks only TLS, with a certificate from a throw-away authority made for it (see
		 * {@link RedisTls}); default {@code false}. Needs a {@code redis-server} built with TLS (Debian's is) and a
		 * process provider, not {@code TESTCONTAINERS}.
		 *
		 * @param tls whether to listen for TLS only
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder tls(boolean tls) {
			this.tls = tls;
			return this;
		}

		/**
		 * Whether the server refuses clients that present no certificate from its authority
		 * ({@code tls-auth-clients yes}, mutual TLS); default {@code false}. Implies {@link #tls(boolean) tls(true)}.
		 *
		 * @param mutualTls whether a client certificate is required
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder mutualTls(boolean mutualTls) {
			this.mutualTls = mutualTls;
			this.tls |= mutualTls;
			return this;
		}

		/**
		 * The host names and IP addresses the server's TLS certificate is issued for; default
		 * {@code localhost} and {@code 127.0.0.1}. A test of host name verification leaves one out.
		 *
		 * @param hostNames DNS names or IP literals, at least one
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder tlsHostNames(String... hostNames) {
			if (hostNames.length == 0) {
				throw new IllegalArgumentException("tlsHostNames needs at least one host name or IP address");
			}
			this.tlsHostNames = List.of(hostNames);
			return this;
		}

		/** Appends a line to the server's redis.conf, e.g. {@code cluster-enabled yes}. */
		Builder config(String line) {
			this.config.add(Objects.requireNonNull(line, "line"));
			return this;
		}

		/** Runs the binary as a Sentinel ({@code redis-server <conf> --sentinel}). */
		Builder sentinel() {
			this.sentinel = true;
			return this;
		}

		/**
		 * Whether a JVM shutdown hook closes the server; default {@code true}. An application that runs on the
		 * server sets {@code false} and closes it itself once it has stopped using it: the hook runs at the same
		 * time as the application's own shutdown, so the server would otherwise go first and the application's
		 * Redis clients would log failed reconnects while they stop.
		 *
		 * @param closeAtJvmExit whether to close the server when the JVM exits
		 * @return this builder
		 */
		public Builder closeAtJvmExit(boolean closeAtJvmExit) {
			this.closeAtJvmExit = closeAtJvmExit;
			return this;
		}

		/**
		 * The port to listen on; {@code 0} (the default) picks a free one.
		 *
		 * @param port 0 to 65535
		 * @return this builder
		 */
		public Builder port(int port) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
			}
			this.port = port;
			return this;
		}

		/**
		 * Whether to enable {@code appendonly yes}, so that data survives {@link RedisServer#restart()}.
		 * Default {@code false}.
		 *
		 * @param appendOnly whether to persist to an append-only file
		 * @return this builder
		 */
		public Builder appendOnly(boolean appendOnly) {
			this.appendOnly = appendOnly;
			return this;
		}

		/**
		 * Where the server binary comes from; default {@link RedisServerProvider#AUTO AUTO}, which honours the
		 * {@value RedisServerProvider#PROVIDER_PROPERTY} system property and environment variable.
		 *
		 * @param provider the provider
		 * @return this builder
		 */
		public Builder provider(RedisServerProvider provider) {
			this.provider = Objects.requireNonNull(provider, "provider");
			return this;
		}

		/**
		 * How long to wait for the server to answer PING; default 20 seconds.
		 *
		 * @param startupTimeout a positive duration
		 * @return this builder
		 */
		public Builder startupTimeout(Duration startupTimeout) {
			this.startupTimeout = Arguments.positive("startupTimeout", startupTimeout);
			return this;
		}

		/**
		 * Starts the server and waits until it answers PING.
		 *
		 * @return the running server; close it when done
		 * @throws IllegalStateException when it cannot be started; the message says why and includes the
		 *     server's output
		 */
		public RedisServer build() {
			Path dataDir;
			try {
				dataDir = Files.createTempDirectory("asyncqueue-redis-");
			} catch (IOException e) {
				throw new UncheckedIOException("Could not create a temporary directory for redis-server", e);
			}
			RedisTls serverTls = null;
			List<String> lines = config;
			Backend backend;
			try {
				if (tls) {
					serverTls = RedisTls.create(dataDir.resolve("tls"), tlsHostNames, mutualTls);
					lines = new ArrayList<>(config);
					lines.addAll(serverTls.serverConfig());
				}
				backend = backendFor(provider, lines, sentinel, tls);
			} catch (RuntimeException e) {
				deleteRecursively(dataDir);
				throw e;
			}
			RedisServer server = new RedisServer(backend, appendOnly, startupTimeout, dataDir, closeAtJvmExit, serverTls);
			try {
				server.startFirst(port);
			} catch (RuntimeException e) {
				server.close();
				throw e;
			}
			return server;
		}
	}
}
