package io.asyncqueue.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, private PostgreSQL for tests: a cluster made with {@code initdb} in a temporary directory,
 * started with {@code pg_ctl} on a free port of {@code 127.0.0.1} only (its Unix socket in that directory),
 * with trust authentication for the superuser {@value #USERNAME} and without durability ({@code fsync=off}):
 * a test database, never a place for data that matters. {@link #close()} stops it and deletes the
 * directory; a JVM shutdown hook does so for every server still running.
 *
 * <pre>{@code
 * try (PostgresServer postgres = PostgresServer.start()) {
 *   PostgresDatabase orders = postgres.createDatabase("orders");
 *   Connection connection = DriverManager.getConnection(orders.jdbcUrl(), orders.username(), "");
 * }
 * }</pre>
 *
 * <p>The programs come from the directory named by the system property {@value #PROGRAMS_PROPERTY} (or the
 * environment variable {@code ASYNCQUEUE_TEST_POSTGRES_BIN}), else the newest
 * {@code /usr/lib/postgresql/<version>/bin} (Debian's and Ubuntu's {@code postgresql} package), else
 * {@code initdb} on the {@code PATH}. PostgreSQL refuses to run as root: as root, its programs run as the
 * {@code postgres} user that those packages create. Which server runs is logged once at INFO.
 *
 * @since 0.2.0
 * @see EmbeddedPostgres
 */
public final class PostgresServer implements AutoCloseable {

	/** The system property naming the directory of {@code initdb}, {@code pg_ctl} and {@code psql}. */
	public static final String PROGRAMS_PROPERTY = "asyncqueue.test.postgres-bin";

	/** The superuser that tests connect as, without a password. */
	public static final String USERNAME = "postgres";

	private static final String PROGRAMS_ENV = "ASYNCQUEUE_TEST_POSTGRES_BIN";

	private static final String LOOPBACK = "127.0.0.1";

	private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

	private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);

	private static final Set<PostgresServer> LIVE = ConcurrentHashMap.newKeySet();

	private static final AtomicBoolean SHUTDOWN_HOOK = new AtomicBoolean();

	private final Path programs;

	private final Path dir;

	private final int port;

	private final AtomicBoolean closed = new AtomicBoolean();

	private PostgresServer(Path programs, Path dir, int port) {
		this.programs = programs;
		this.dir = dir;
		this.port = port;
	}

	/**
	 * Make and start a private cluster.
	 * @return the running server
	 * @throws IllegalStateException when PostgreSQL is not installed (the message names the package) or does
	 * not start (the message holds its output)
	 */
	public static PostgresServer start() {
		Path programs = programs().orElseThrow(() -> new IllegalStateException(notInstalled()));
		Path dir;
		try {
			dir = Files.createTempDirectory("queue-test-postgres");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a directory for a private PostgreSQL", ex);
		}
		PostgresServer server = new PostgresServer(programs, dir, RedisServer.freePort());
		try {
			server.launch();
		}
		catch (RuntimeException ex) {
			server.close();
			throw ex;
		}
		LIVE.add(server);
		registerShutdownHook();
		log.info("Started a private PostgreSQL {} from {} on {}:{} (data in {})", server.version(), programs, LOOPBACK,
				server.port, dir);
		return server;
	}

	/**
	 * The directory of PostgreSQL's programs that {@link #start()} would use.
	 * @return the directory, or empty when PostgreSQL is not installed
	 */
	public static Optional<Path> programs() {
		String configured = System.getProperty(PROGRAMS_PROPERTY, System.getenv(PROGRAMS_ENV));
		if (configured != null && !configured.isBlank()) {
			return Optional.of(Paths.get(configured)).filter(PostgresServer::hasPrograms);
		}
		Optional<Path> debian = debianPrograms();
		if (debian.isPresent()) {
			return debian;
		}
		return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
			.filter((entry) -> !entry.isEmpty())
			.map(Paths::get)
			.filter(PostgresServer::hasPrograms)
			.findFirst();
	}

	/** Why {@link #start()} cannot run, and what to install. */
	static String notInstalled() {
		return "PostgreSQL's programs (initdb, pg_ctl, psql) were not found under /usr/lib/postgresql/<version>/bin "
				+ "nor on the PATH: install Debian's postgresql package (apt-get install postgresql; .ci/run does), or "
				+ "set -D" + PROGRAMS_PROPERTY + " (or " + PROGRAMS_ENV + ") to the directory of initdb";
	}

	private static Optional<Path> debianPrograms() {
		Path root = Paths.get("/usr/lib/postgresql");
		if (!Files.isDirectory(root)) {
			return Optional.empty();
		}
		try (Stream<Path> versions = Files.list(root)) {
			return versions.filter((version) -> version.getFileName().toString().matches("\\d+(\\.\\d+)?"))
				.filter((version) -> hasPrograms(version.resolve("bin")))
				.max(Comparator.comparingDouble((version) -> Double.parseDouble(version.getFileName().toString())))
				.map((version) -> version.resolve("bin"));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	private static boolean hasPrograms(Path dir) {
		return Stream.of("initdb", "pg_ctl", "psql").allMatch((name) -> Files.isExecutable(dir.resolve(name)));
	}

	private void launch() {
		if (isRoot()) {
			// PostgreSQL refuses to run as root; the postgres user must own the directory of its cluster
			run(List.of("chown", USERNAME + ":", this.dir.toString()));
		}
		Path data = this.dir.resolve("data");
		asOwner(program("initdb"), "-D", data.toString(), "-U", USERNAME, "-A", "trust", "-E", "UTF8", "--no-locale",
				"--no-sync", "--no-instructions");
		// settings in the file, not on pg_ctl's command line, which a shell would split
		String settings = "\n# io.asyncqueue.test.PostgresServer: a private server for tests\n" + "port = " + this.port
				+ "\nlisten_addresses = '" + LOOPBACK + "'\nunix_socket_directories = '" + this.dir
				+ "'\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
		try {
			Files.writeString(data.resolve("postgresql.conf"), settings, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		try {
			asOwner(program("pg_ctl"), "-D", data.toString(), "-l", serverLog().toString(), "-w", "-t", "60", "start");
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException(ex.getMessage() + "; server log:\n" + tail(serverLog()), ex);
		}
	}

	/** @return the address the server listens on, {@code 127.0.0.1} */
	public String host() {
		return LOOPBACK;
	}

	/** @return the server's port on {@link #host()} */
	public int port() {
		return this.port;
	}

	/** @return the superuser tests connect as, without a password: {@value #USERNAME} */
	public String username() {
		return USERNAME;
	}

	/**
	 * A JDBC URL of one of the server's databases.
	 * @param database the database, e.g. {@code postgres} (always there) or one made by {@link #createDatabase}
	 * @return {@code jdbc:postgresql://127.0.0.1:<port>/<database>}
	 */
	public String jdbcUrl(String database) {
		return "jdbc:postgresql://" + LOOPBACK + ":" + this.port + "/" + database;
	}

	/**
	 * Create an empty database.
	 * @param name the database's name: lower-case letters, digits and underscores
	 * @return the database
	 * @throws IllegalArgumentException when the name is not such a name
	 * @throws IllegalStateException when the database cannot be created, e.g. because it exists
	 */
	public PostgresDatabase createDatabase(String name) {
		if (!DATABASE_NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("'" + name + "' is not a database name PostgresServer takes: use "
					+ "lower-case letters, digits and underscores, 63 at most, not starting with a digit");
		}
		sql("postgres", "CREATE DATABASE " + name);
		return new PostgresDatabase(name, jdbcUrl(name), USERNAME);
	}

	/**
	 * Run SQL through {@code psql} as the superuser, each statement in a transaction of its own, stopping
	 * at the first error.
	 * @param database the database to run it in
	 * @param statements the statements
	 * @return what {@code psql} printed: the rows of the results, columns separated by {@code |}, without
	 * headers
	 * @throws IllegalStateException when a statement fails (the message holds psql's)
	 */
	public String sql(String database, String... statements) {
		List<String> command = new ArrayList<>(List.of(program("psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
				"-h", LOOPBACK, "-p", Integer.toString(this.port), "-U", USERNAME, "-d", database));
		for (String statement : statements) {
			command.add("-c");
			command.add(statement);
		}
		return run(command).trim();
	}

	/** @return the server's version, e.g. {@code 15.8} */
	public String version() {
		return sql("postgres", "SHOW server_version").split(" ")[0];
	}

	/** The temporary directory of the cluster, its socket and its log. */
	Path directory() {
		return this.dir;
	}

	/** @return whether {@link #close()} has run */
	public boolean isClosed() {
		return this.closed.get();
	}

	/** Stop the server ({@code pg_ctl stop -m immediate}) and delete its directory. Idempotent. */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		LIVE.remove(this);
		Path data = this.dir.resolve("data");
		if (Files.exists(data.resolve("postmaster.pid"))) {
			try {
				asOwner(program("pg_ctl"), "-D", data.toString(), "-m", "immediate", "-w", "stop");
			}
			catch (RuntimeException ex) {
				log.warn("Could not stop the private PostgreSQL on port {}: {}", this.port, ex.getMessage());
			}
		}
		try (Stream<Path> files = Files.walk(this.dir)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			log.warn("Could not delete {}: {}", this.dir, ex.getMessage());
		}
	}

	@Override
	public String toString() {
		return "PostgresServer[" + LOOPBACK + ":" + this.port + ", " + this.programs + "]";
	}

	private String program(String name) {
		return this.programs.resolve(name).toString();
	}

	private Path serverLog() {
		return this.dir.resolve("postgres.log");
	}

	private void asOwner(String... command) {
		List<String> full = new ArrayList<>();
		if (isRoot()) {
			full.addAll(List.of("runuser", "-u", USERNAME, "--"));
		}
		full.addAll(List.of(command));
		run(full);
	}

	private String run(List<String> command) {
		try {
			// in the server's directory: PostgreSQL's programs fail when they cannot read the one they start in
			Process process = new ProcessBuilder(command).directory(this.dir.toFile()).redirectErrorStream(true).start();
			process.getOutputStream().close();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(120, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("Timed out: " + String.join(" ", command));
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException(Paths.get(command.get(0)).getFileName() + " failed for the private "
						+ "PostgreSQL on port " + this.port + " (exit " + process.exitValue() + "): " + output.trim());
			}
			return output;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + command.get(0), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + command.get(0), ex);
		}
	}

	private static String tail(Path file) {
		try {
			List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException ex) {
			return "(none: " + ex.getMessage() + ")";
		}
	}

	private static boolean isRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	private static void registerShutdownHook() {
		if (SHUTDOWN_HOOK.compareAndSet(false, true)) {
			Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(PostgresServer::close),
					"asyncqueue-postgres-server-shutdown"));
		}
	}

}
