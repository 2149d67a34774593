package io.asyncqueue.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The PostgreSQL of a harness run, for the JobRunr peer: a private cluster made with {@code initdb} in a
 * temporary directory, listening on a free 127.0.0.1 port only (its Unix socket in that directory too),
 * stopped and deleted at the end. Never a system service. PostgreSQL refuses to run as root: as root, its
 * commands run as the {@code postgres} user that Debian's packages create.
 * <p>
 * The driver measures it through {@code psql} (no JDBC driver in the harness): the database the peer uses
 * is dropped and made anew before every scenario, {@code pg_stat_statements} counts the statements it runs,
 * and its CPU is read from {@code /proc} for the postmaster and its backends.
 */
public final class PostgresServer implements AutoCloseable {

	/** The role and database the JobRunr peer connects as / to. */
	static final String USER = "bench";

	static final String DATABASE = "bench";

	private final Path bin;

	private final Path dir;

	private final int port;

	private final Path log;

	private PostgresServer(Path bin, Path dir, int port, Path log) {
		this.bin = bin;
		this.dir = dir;
		this.port = port;
		this.log = log;
	}

	/**
	 * Start a private cluster.
	 * @param bin the directory of {@code initdb}, {@code pg_ctl}, {@code psql}, or null to take the newest
	 * under /usr/lib/postgresql
	 * @param logFile the server's log
	 * @return the running server
	 */
	public static PostgresServer start(String bin, Path logFile) {
		Path binDir = (bin != null) ? Paths.get(bin) : findBin();
		try {
			Path dir = Files.createTempDirectory("queue-benchmark-postgres");
			int port = freePort();
			Files.createDirectories(logFile.getParent());
			PostgresServer server = new PostgresServer(binDir, dir, port, logFile);
			if (isRoot()) {
				// the postgres user must own the cluster's directory (the server log is kept there, copied at the end)
				run(List.of("chown", "postgres:", dir.toString()));
			}
			Path data = dir.resolve("data");
			server.asOwner(List.of(binDir.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
					"-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"));
			// Redis runs without persistence in this harness; PostgreSQL keeps fsync (a crash leaves a consistent
			// database) but does not wait for the WAL flush at each commit, the nearest like-for-like.
			String options = "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir
					+ " -c shared_preload_libraries=pg_stat_statements -c synchronous_commit=off";
			server.asOwner(List.of(binDir.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", server.serverLog().toString(),
					"-o", options, "-w", "-t", "60", "start"));
			server.sql("postgres", "CREATE ROLE " + USER + " LOGIN");
			server.sql("postgres", "CREATE EXTENSION pg_stat_statements");
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private Path serverLog() {
		return this.dir.resolve("postgres.log");
	}

	private static Path findBin() {
		try (Stream<Path> versions = Files.list(Paths.get("/usr/lib/postgresql"))) {
			return versions.map((v) -> v.resolve("bin"))
				.filter((b) -> Files.isExecutable(b.resolve("initdb")))
				.max(Comparator.comparingInt((b) -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
				.orElseThrow();
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalStateException("no PostgreSQL under /usr/lib/postgresql: install Debian's postgresql "
					+ "package (run.sh does as root) or pass --postgres-bin DIR", ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static boolean isRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	public int port() {
		return this.port;
	}

	/** Drop the peer's database and make it anew, and zero the statement counters: a clean slate per scenario. */
	public void reset() {
		psql("postgres", "DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)", "CREATE DATABASE " + DATABASE
				+ " OWNER " + USER, "SELECT pg_stat_statements_reset()");
	}

	/** Bytes on disk of every table of the peer's database, with its indexes and TOAST data. */
	public long dataBytes() {
		return Long.parseLong(sql(DATABASE, "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
				+ "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'm')"));
	}

	/** Statements the peer's role has run (pg_stat_statements), the driver's own queries left out. */
	public long statements() {
		return Long.parseLong(sql("postgres", "SELECT coalesce(sum(s.calls), 0) FROM pg_stat_statements s "
				+ "JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = '" + USER + "'"));
	}

	/** Transactions committed or rolled back in the peer's database. */
	public long transactions() {
		return Long.parseLong(sql("postgres", "SELECT coalesce(sum(xact_commit + xact_rollback), 0) FROM "
				+ "pg_stat_database WHERE datname = '" + DATABASE + "'"));
	}

	/**
	 * CPU time of the whole server in milliseconds: the postmaster and its live processes (backends, WAL writer,
	 * checkpointer, ...) and, through the postmaster's children's times, the ones that have exited.
	 */
	public double cpuMillis() {
		try {
			long postmaster = Long.parseLong(Files.readAllLines(this.dir.resolve("data/postmaster.pid")).get(0).trim());
			double ticks = 0;
			try (Stream<Path> procs = Files.list(Paths.get("/proc"))) {
				for (Path proc : (Iterable<Path>) procs.filter((p) -> p.getFileName().toString().matches("\\d+"))::iterator) {
					String[] stat = stat(proc);
					if (stat == null) {
						continue;
					}
					long pid = Long.parseLong(proc.getFileName().toString());
					if (pid == postmaster) {
						ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]) + Long.parseLong(stat[13])
								+ Long.parseLong(stat[14]);
					}
					else if (Long.parseLong(stat[1]) == postmaster) {
						ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
					}
				}
			}
			return ticks * 1000.0 / clockTicks();
		}
		catch (IOException | RuntimeException ex) {
			return Double.NaN;
		}
	}

	/** Fields of /proc/PID/stat after the command name: [0] state, [1] ppid, ..., [11] utime, [12] stime, ... */
	private static String[] stat(Path proc) {
		try {
			String line = Files.readString(proc.resolve("stat"));
			return line.substring(line.lastIndexOf(')') + 2).split(" ");
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	private static long clockTicks = 0;

	private static synchronized long clockTicks() {
		if (clockTicks == 0) {
			try {
				clockTicks = Long.parseLong(run(List.of("getconf", "CLK_TCK")).trim());
			}
			catch (RuntimeException ex) {
				clockTicks = 100;
			}
		}
		return clockTicks;
	}

	/** One statement's single value, as text. */
	String sql(String database, String statement) {
		return psql(database, statement).trim();
	}

	private String psql(String database, String... statements) {
		List<String> command = new ArrayList<>(List.of(this.bin.resolve("psql").toString(), "-X", "-q", "-At", "-v",
				"ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", Integer.toString(this.port), "-U", "postgres", "-d", database));
		for (String statement : statements) {
			command.add("-c");
			command.add(statement);
		}
		return run(command);
	}

	private String asOwner(List<String> command) {
		List<String> full = new ArrayList<>();
		if (isRoot()) {
			full.addAll(List.of("runuser", "-u", "postgres", "--"));
		}
		full.addAll(command);
		return run(full);
	}

	private static String run(List<String> command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(120, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("timed out: " + String.join(" ", command));
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException(command.get(0) + " failed (exit " + process.exitValue() + "): " + out.trim());
			}
			return out;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot run " + command.get(0), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The server's version, e.g. "PostgreSQL 15.18". */
	String version() {
		String full = sql("postgres", "SELECT version()");
		return full.contains(" on ") ? full.substring(0, full.indexOf(" on ")) : full;
	}

	@Override
	public void close() {
		try {
			asOwner(List.of(this.bin.resolve("pg_ctl").toString(), "-D", this.dir.resolve("data").toString(), "-m",
					"fast", "-w", "stop"));
		}
		catch (RuntimeException ex) {
			System.err.println("could not stop the private PostgreSQL: " + ex.getMessage() + " (log: " + serverLog() + ")");
		}
		try {
			Files.copy(serverLog(), this.log, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			// no log to keep
		}
		try (Stream<Path> files = Files.walk(this.dir)) {
			files.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
		}
		catch (IOException ex) {
			// best effort
		}
	}

}
