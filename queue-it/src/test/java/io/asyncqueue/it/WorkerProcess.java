package io.asyncqueue.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One worker JVM ({@link WorkerMain}) started by a test with this JVM's class path. Its output goes to a
 * log file (one per worker id and test, overwritten); the {@code IT-EVENT} lines it prints are read from
 * there so a test can wait for READY or STOPPING.
 *
 * <p>Every process started here is killed (SIGKILL) by {@link #close()}, which tests call in a
 * {@code finally}/{@code @AfterEach}, and by a shutdown hook of this JVM as a last resort. The worker
 * also exits by itself when this JVM dies.
 */
final class WorkerProcess implements AutoCloseable {

	/** Exit status of a JVM killed by SIGKILL (128 + 9). */
	static final int SIGKILL_EXIT = 137;

	/** Exit status of a JVM that ran its shutdown hooks after SIGTERM (128 + 15). */
	static final int SIGTERM_EXIT = 143;

	private static final Set<WorkerProcess> LIVE = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			for (WorkerProcess worker : LIVE) {
				worker.process.destroyForcibly();
			}
		}, "it-kill-workers"));
	}

	private final String id;

	private final Process process;

	private final Path logFile;

	private WorkerProcess(String id, Process process, Path logFile) {
		this.id = id;
		this.process = process;
		this.logFile = logFile;
	}

	/**
	 * Start a worker JVM; it does not wait for READY.
	 * @param id the worker id (recorded with each execution)
	 * @param logDirectory where its output goes ({@code <id>.log}, appended to)
	 * @param args its {@code key=value} arguments, {@code worker=} included
	 */
	static WorkerProcess start(String id, Path logDirectory, List<String> args) {
		return start(id, logDirectory, WorkerMain.class, List.of(), args);
	}

	/**
	 * Start a JVM running another main class of this class path (such as ShopKillIT's application).
	 * @param id the process's id
	 * @param logDirectory where its output goes
	 * @param main the class whose {@code main} runs
	 * @param jvmOptions more options of the JVM, such as {@code -XX:TieredStopAtLevel=1} for a quicker start
	 * @param args its arguments
	 */
	static WorkerProcess start(String id, Path logDirectory, Class<?> main, List<String> jvmOptions,
			List<String> args) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xms64m");
		command.add("-Xmx384m");
		command.add("-XX:+UseSerialGC");
		command.add("-XX:+ExitOnOutOfMemoryError");
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(classpath());
		command.add(main.getName());
		command.addAll(args);
		try {
			Files.createDirectories(logDirectory);
			Path logFile = logDirectory.resolve(id + ".log");
			Files.writeString(logFile, "[it] " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
			// Straight to the file, not through a pipe: a pipe read by this JVM can lose the last lines a dying
			// worker wrote (the JDK drains and closes it when the process exits, racing the reader).
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
				.start();
			WorkerProcess worker = new WorkerProcess(id, process, logFile);
			LIVE.add(worker);
			return worker;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start worker " + id, ex);
		}
	}

	private static String classpath;

	/**
	 * This JVM's class path, with every entry that lives in a build's {@code target} folder (this module's
	 * classes, queue-core's jar, ...) copied once to {@code target/it-classpath}: a worker JVM loads classes
	 * lazily, and a sibling module rebuilt meanwhile (another build in the same tree) would otherwise pull the
	 * jar from under it. Jars from the local repository are used in place.
	 */
	static synchronized String classpath() {
		if (classpath != null) {
			return classpath;
		}
		Path snapshot = ItSupport.OUTPUT.resolve("it-classpath");
		List<String> entries = new ArrayList<>();
		int index = 0;
		for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
			if (entry.isEmpty()) {
				continue;
			}
			Path source = Path.of(entry).toAbsolutePath();
			if (!source.toString().contains(java.io.File.separator + "target" + java.io.File.separator)
					|| !Files.exists(source)) {
				entries.add(entry);
				continue;
			}
			Path copy = snapshot.resolve((index++) + "-" + source.getFileName());
			for (int attempt = 1;; attempt++) {
				copyTree(source, copy);
				if (Files.isDirectory(copy) || isReadableJar(copy)) {
					break;
				}
				if (attempt == 20) {
					throw new IllegalStateException("Could not take a readable copy of " + source);
				}
				sleep(500); // another build is writing it
			}
			entries.add(copy.toString());
		}
		// -Dit.worker.classpath.prepend=<dir or jar>: run the worker JVMs with, say, a patched engine class first
		String prepend = System.getProperty("it.worker.classpath.prepend", "");
		if (!prepend.isBlank()) {
			entries.add(0, prepend);
		}
		classpath = String.join(java.io.File.pathSeparator, entries);
		return classpath;
	}

	private static boolean isReadableJar(Path jar) {
		try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
			return zip.stream().count() > 0;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static void copyTree(Path source, Path target) {
		try {
			if (Files.exists(target)) {
				try (java.util.stream.Stream<Path> old = Files.walk(target)) {
					old.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
				}
			}
			Files.createDirectories(target.getParent());
			if (Files.isDirectory(source)) {
				try (java.util.stream.Stream<Path> files = Files.walk(source)) {
					for (Path file : (Iterable<Path>) files::iterator) {
						Path to = target.resolve(source.relativize(file).toString());
						if (Files.isDirectory(file)) {
							Files.createDirectories(to);
						}
						else {
							Files.copy(file, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
						}
					}
				}
			}
			else {
				Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not copy " + source + " for the worker JVMs", ex);
		}
	}

	/** The events the worker printed so far: name → its epoch-ms timestamp (the first of each name). */
	private Map<String, Long> events() {
		Map<String, Long> events = new java.util.HashMap<>();
		try {
			for (String line : Files.readAllLines(this.logFile, StandardCharsets.UTF_8)) {
				if (line.startsWith(WorkerMain.EVENT)) {
					String[] parts = line.substring(WorkerMain.EVENT.length()).split(" ", 3);
					if (parts.length >= 2) {
						events.putIfAbsent(parts[0], Long.parseLong(parts[1]));
					}
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// a line being written; the next look sees it whole
		}
		return events;
	}

	String id() {
		return this.id;
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Wait until the worker printed an event.
	 * @return the worker's epoch-ms timestamp of the event
	 */
	long awaitEvent(String name, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			Long at = events().get(name);
			if (at != null) {
				return at;
			}
			if (!this.process.isAlive()) {
				at = events().get(name);
				if (at != null) {
					return at;
				}
				throw new IllegalStateException("Worker " + this.id + " exited with " + this.process.exitValue()
						+ " before " + name + "; see " + this.logFile);
			}
			sleep(20);
		}
		throw new IllegalStateException("Worker " + this.id + " printed no " + name + " within " + timeout
				+ "; see " + this.logFile);
	}

	/** The worker's timestamp of an event, or {@code null}. */
	Long event(String name) {
		return events().get(name);
	}

	/** SIGKILL (Process.destroyForcibly on Linux), then wait for the process to be gone. */
	int kill() {
		this.process.destroyForcibly();
		return awaitExit(Duration.ofSeconds(20));
	}

	/** SIGTERM (Process.destroy on Linux): the worker's shutdown hook stops it gracefully. */
	void terminate() {
		this.process.destroy();
	}

	/** Wait for the process to exit; kills it if it does not within the timeout. */
	int awaitExit(Duration timeout) {
		try {
			if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(20, TimeUnit.SECONDS);
				throw new IllegalStateException("Worker " + this.id + " did not exit within " + timeout
						+ " and was killed; see " + this.logFile);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
			throw new IllegalStateException(ex);
		}
		LIVE.remove(this);
		return this.process.exitValue();
	}

	Path logFile() {
		return this.logFile;
	}

	/** Kill the process if it still runs. Idempotent. */
	@Override
	public void close() {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(20, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		LIVE.remove(this);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String toString() {
		return "worker " + this.id + " (pid " + this.process.pid() + ")";
	}

}
