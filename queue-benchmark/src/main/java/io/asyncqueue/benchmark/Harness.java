package io.asyncqueue.benchmark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The benchmark driver (issue 6): starts one private redis-server, runs every scenario against each
 * system's adapter process in turn ({@code FLUSHALL} between scenarios), repeats for N runs and writes
 * the medians, ratios and targets to {@code results.json}, {@code results.md} and {@code results.png}.
 *
 * <pre>
 * queue-benchmark/run.sh            # full run: 3 runs, every system
 * queue-benchmark/run.sh --quick    # smoke run: tiny counts, 1 run
 * </pre>
 *
 * Options: {@code --quick}, {@code --runs N}, {@code --systems ours,bullmq,rqueue,rqueue-nohistory},
 * {@code --scenarios push-single,...}, {@code --out DIR}, {@code --module-dir DIR},
 * {@code --redis-server PATH}, {@code --node PATH}, {@code --profile} (JFR recordings of the OURS adapter).
 */
public final class Harness {

	static final List<String> ALL_SYSTEMS = List.of("ours", "ours-no-timeout", "bullmq", "bullmq-tuned", "rqueue",
			"rqueue-tuned", "rqueue-nohistory", "jobrunr", "jobrunr-tuned");

	/** A full run's systems: every one. */
	static final List<String> DEFAULT_SYSTEMS = ALL_SYSTEMS;

	/**
	 * Settings read only by a worker (job history, polling, handle timeout) change nothing on the enqueue
	 * path, for waiting jobs or idle queues: a variant with them repeats only the scenarios that run jobs.
	 */
	static final List<String> WORKER_ONLY_SKIPS = List.of("push-single", "push-threads", "push-batch", "fill");

	/** Which scenarios each variant leaves out (idle too where its settings are the defaults' when idle). */
	static final Map<String, List<String>> SKIPS = Map.of("rqueue-nohistory",
			List.of("push-single", "push-threads", "push-batch", "fill", "idle"), "ours-no-timeout",
			List.of("push-single", "push-threads", "push-batch", "fill", "idle"), "rqueue-tuned", WORKER_ONLY_SKIPS,
			"jobrunr-tuned", WORKER_ONLY_SKIPS);

	/**
	 * Issue 14's flow-control scenarios (global concurrency, rate limit): only async-queue and BullMQ have these
	 * limits in their open-source editions, so only they run them.
	 */
	static final List<String> FLOW_SCENARIOS = List.of("drain-global-c8", "drain-global-c32", "rate-limit",
			"rate-limit-edge", "idle-rate-limit", "idle-global");

	static final List<String> FLOW_SYSTEMS = List.of("ours", "bullmq");

	static boolean skips(String system, String scenario) {
		return SKIPS.getOrDefault(system, List.of()).contains(scenario)
				|| (FLOW_SCENARIOS.contains(scenario) && !FLOW_SYSTEMS.contains(system));
	}

	final Options options;

	private volatile AdapterProcess current;

	private static final JsonNode UNSUPPORTED_BATCH = tools.jackson.databind.json.JsonMapper.builder().build()
		.createObjectNode().put("event", "result").put("unsupported", "Rqueue 3.2 has no batch enqueue");

	private final Results results;

	Harness(Options options) {
		this.options = options;
		this.results = new Results(options);
	}

	public static void main(String[] argv) {
		Options options = Options.parse(argv);
		Path json = new Harness(options).run();
		System.out.println("Results: " + json);
	}

	/** Run everything; returns the path of results.json. */
	Path run() {
		Instant began = Instant.now();
		Path logs = this.options.out.resolve("logs");
		List<Scenario> all = Scenario.plan(this.options.quick);
		if (this.options.scenarios != null) {
			List<String> known = all.stream().map((s) -> s.id).toList();
			List<String> unknown = this.options.scenarios.stream().filter((id) -> !known.contains(id)).toList();
			if (!unknown.isEmpty()) {
				throw new IllegalArgumentException("Unknown scenario(s) " + unknown + " in --scenarios; the scenarios are "
						+ String.join(",", known));
			}
		}
		List<Scenario> plan = all.stream()
			.filter((s) -> this.options.scenarios == null || this.options.scenarios.contains(s.id))
			.toList();
		List<SystemSpec> systems = this.options.systems.stream().map((id) -> SystemSpec.of(id, this.options)).toList();
		log("queue-benchmark: %s mode, %d run(s), systems %s, scenarios %s", this.options.quick ? "quick" : "full",
				this.options.runs, this.options.systems, plan.stream().map((s) -> s.id).toList());
		boolean needsPostgres = systems.stream().anyMatch((s) -> s.store == Store.POSTGRES);
		try (RedisServerProcess redis = (this.options.redisPort > 0) ? RedisServerProcess.existing(this.options.redisPort)
				: RedisServerProcess.start(this.options.redisServer, logs.resolve("redis-server.log"));
				RedisProbe probe = new RedisProbe(redis.port());
				PostgresServer postgres = needsPostgres
						? PostgresServer.start(this.options.postgresBin, logs.resolve("postgres.log")) : null) {
			this.postgres = postgres;
			// Ctrl-C or kill: take the private redis-server and the running adapter down with us.
			Thread hook = new Thread(() -> {
				AdapterProcess adapter = this.current;
				if (adapter != null) {
					adapter.kill();
				}
				redis.close();
				if (postgres != null) {
					postgres.close();
				}
			}, "harness-shutdown");
			Runtime.getRuntime().addShutdownHook(hook);
			this.results.machine(Machine.describe(this.options, probe, postgres));
			log("%s redis-server %s on 127.0.0.1:%d%s", (redis.pid() > 0) ? "private" : "given",
					this.results.machine.get("redis"), redis.port(), (redis.pid() > 0) ? " (pid " + redis.pid() + ")" : "");
			for (int run = 1; run <= this.options.runs; run++) {
				for (SystemSpec system : systems) {
					for (Scenario scenario : plan) {
						if (skips(system.id, scenario.id)) {
							continue;
						}
						if (system.id.startsWith("rqueue") && scenario.id.equals("push-batch")) {
							this.results.add(run, system.id, scenario, UNSUPPORTED_BATCH);
							continue;
						}
						probe.flushAll();
						if (system.store == Store.POSTGRES) {
							postgres.reset();
						}
						this.results.backgroundCpu(awaitQuietCpu(), Cpu.lastNicePercent);
						long start = System.nanoTime();
						JsonNode result;
						try {
							result = runScenario(system, scenario, run, redis.port(), probe, logs);
						}
						catch (RuntimeException ex) {
							log("  run %d %-16s %-13s FAILED: %s", run, system.id, scenario.id, ex.getMessage());
							this.results.failure(run, system.id, scenario.id, ex.getMessage());
							continue;
						}
						this.results.add(run, system.id, scenario, result);
						log("  run %d %-16s %-13s %5.1f s  %s", run, system.id, scenario.id,
								(System.nanoTime() - start) / 1e9, scenario.summary(result));
					}
				}
				if (run < this.options.runs) {
					// A full run takes hours on a shared machine: what is measured survives an interruption.
					this.results.finish(began, Instant.now(), run);
					write(false);
				}
			}
			probe.flushAll();
			try {
				Runtime.getRuntime().removeShutdownHook(hook);
			}
			catch (IllegalStateException ex) {
				// already shutting down
			}
		}
		this.results.finish(began, Instant.now(), this.options.runs);
		Path json = write(true);
		System.out.println();
		System.out.println(this.results.toMarkdown());
		return json;
	}

	private Path write(boolean chart) {
		try {
			Files.createDirectories(this.options.out);
			Path json = this.options.out.resolve("results.json");
			Files.writeString(json, this.results.toJson(), StandardCharsets.UTF_8);
			Files.writeString(this.options.out.resolve("results.md"), this.results.toMarkdown(), StandardCharsets.UTF_8);
			if (chart) {
				try {
					Chart.write(this.results, this.options.out.resolve("results.png"));
				}
				catch (Throwable ex) {
					log("no chart (%s)", ex);
				}
			}
			return json;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private JsonNode runScenario(SystemSpec system, Scenario scenario, int run, int port, RedisProbe probe,
			Path logs) {
		Map<String, String> args = new LinkedHashMap<>(scenario.args);
		args.put("port", Integer.toString(port));
		if (system.store == Store.POSTGRES) {
			args.put("pgPort", Integer.toString(this.postgres.port()));
		}
		List<String> command = system.command(scenario, args, run);
		Path log = logs.resolve(system.id + "-" + scenario.id + "-run" + run + ".log");
		try (AdapterProcess adapter = new AdapterProcess(command, system.workingDir, log)) {
			this.current = adapter;
			Map<String, Map<String, long[]>> stats = new java.util.concurrent.ConcurrentHashMap<>();
			adapter.onMark((event) -> {
				if (system.store == Store.POSTGRES) {
					return this.postgres.cpuMillis();
				}
				stats.put(event.path("name").asString(""), probe.commandStats());
				return probe.cpuMillis();
			});
			try {
				return switch (scenario.kind) {
					case SIMPLE -> RateWindows
						.count(commandsPerJob(stats, cpuPerJob(adapter, adapter.await("result", scenario.timeout))));
					case FILL -> fill(adapter, scenario, (system.store == Store.POSTGRES) ? this.postgres::dataBytes
							: probe::dataMemory, (system.store == Store.POSTGRES) ? () -> -1L : () -> (Long) probe.call("DBSIZE"));
					case IDLE -> (system.store == Store.POSTGRES) ? idlePostgres(adapter, scenario)
							: idle(adapter, scenario, probe, port);
				};
			}
			catch (RuntimeException ex) {
				adapter.kill();
				throw ex;
			}
		}
	}

	/**
	 * CPU per job over the timed phase (between the adapter's start and end marks): the adapter process's
	 * own CPU time and Redis's (INFO cpu, main thread and all). Independent of how busy the machine is,
	 * these bound the throughput: Redis's is one core at most, the two together share the machine's CPUs.
	 */
	private JsonNode cpuPerJob(AdapterProcess adapter, JsonNode result) {
		AdapterProcess.Mark start = adapter.mark("start");
		AdapterProcess.Mark end = adapter.mark("end");
		int jobs = result.path("jobs").asInt(0);
		if (start == null || end == null || jobs <= 0 || !(result instanceof ObjectNode node)) {
			return result;
		}
		double adapterUs = (end.adapterCpuMs() - start.adapterCpuMs()) * 1000 / jobs;
		double redisUs = (end.redisCpuMs() - start.redisCpuMs()) * 1000 / jobs;
		node.put("clientCpuUsPerJob", Stats.round(adapterUs, 2));
		node.put("redisCpuUsPerJob", Stats.round(redisUs, 2));
		return node;
	}

	/**
	 * Redis commands per job over the timed phase, by command (INFO commandstats between the marks): calls
	 * and microseconds of Redis time per job, commands inside scripts included.
	 */
	private static JsonNode commandsPerJob(Map<String, Map<String, long[]>> stats, JsonNode result) {
		Map<String, long[]> start = stats.get("start");
		Map<String, long[]> end = stats.get("end");
		int jobs = result.path("jobs").asInt(0);
		if (start == null || end == null || jobs <= 0 || !(result instanceof ObjectNode node)) {
			return result;
		}
		Map<String, Object> perJob = new java.util.TreeMap<>();
		double calls = 0;
		for (Map.Entry<String, long[]> entry : end.entrySet()) {
			if (entry.getKey().equals("info")) {
				continue;
			}
			long[] before = start.getOrDefault(entry.getKey(), new long[2]);
			long c = entry.getValue()[0] - before[0];
			long us = entry.getValue()[1] - before[1];
			if (c > 0) {
				perJob.put(entry.getKey(), Map.of("calls", Stats.round((double) c / jobs, 3), "us",
						Stats.round((double) us / jobs, 3)));
				calls += (double) c / jobs;
			}
		}
		node.put("redisCommandsPerJob", Stats.round(calls, 2));
		node.putPOJO("redisCommandstatsPerJob", perJob);
		return node;
	}

	/**
	 * Storage per waiting job: Redis's data memory (used_memory less client buffers), or PostgreSQL's tables
	 * with their indexes and TOAST data, before and after the pushes.
	 */
	private JsonNode fill(AdapterProcess adapter, Scenario scenario, java.util.function.LongSupplier storage,
			java.util.function.LongSupplier keyCount) {
		adapter.await("ready", scenario.timeout);
		sleep(500);
		long before = storage.getAsLong();
		adapter.send("go");
		adapter.await("pushed", scenario.timeout);
		sleep(1000);
		long after = storage.getAsLong();
		long keys = keyCount.getAsLong();
		adapter.send("stop");
		ObjectNode result = (ObjectNode) adapter.await("result", scenario.timeout);
		int jobs = result.path("jobs").asInt();
		result.put("usedMemoryBefore", before);
		result.put("usedMemoryAfter", after);
		result.put("keys", keys);
		result.put("bytesPerJob", Stats.round((after - before) / (double) jobs, 1));
		return result;
	}

	/** Idle cost: INFO commandstats delta (every command, scripts' included) and MONITOR (round trips). */
	private JsonNode idle(AdapterProcess adapter, Scenario scenario, RedisProbe probe, int port) {
		adapter.await("ready", scenario.timeout);
		double warmup = Double.parseDouble(scenario.args.getOrDefault("warmupSeconds", "3"));
		double window = Double.parseDouble(scenario.args.getOrDefault("windowSeconds", "10"));
		int queues = Integer.parseInt(scenario.args.getOrDefault("queues", "4"));
		sleep((long) (warmup * 1000));
		RedisProbe.Monitor monitor;
		try {
			monitor = new RedisProbe.Monitor(port, probe.localPort());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Map<String, Long> before = probe.commandCalls();
		long start = System.nanoTime();
		sleep((long) (window * 1000));
		Map<String, Long> after = probe.commandCalls();
		double seconds = (System.nanoTime() - start) / 1e9;
		monitor.close();
		adapter.send("stop");
		ObjectNode result = (ObjectNode) adapter.await("result", scenario.timeout);
		Map<String, Long> delta = new java.util.TreeMap<>();
		long total = 0;
		for (Map.Entry<String, Long> entry : after.entrySet()) {
			String command = entry.getKey();
			if (command.equals("info") || command.equals("monitor")) {
				continue;
			}
			long d = entry.getValue() - before.getOrDefault(command, 0L);
			if (d > 0) {
				delta.put(command, d);
				total += d;
			}
		}
		long roundTrips = monitor.clientCommands().values().stream().mapToLong(Long::longValue).sum();
		result.put("windowSeconds", Stats.round(seconds, 2));
		result.put("commands", total);
		result.put("commandsPerSecPerQueue", Stats.round(total / seconds / queues, 3));
		result.put("roundTripsPerSecPerQueue", Stats.round(roundTrips / monitor.seconds() / queues, 3));
		result.putPOJO("commandstatsDelta", delta);
		result.putPOJO("roundTripsByCommand", monitor.clientCommands());
		return result;
	}

	/**
	 * Idle cost of a peer on PostgreSQL: the statements its role ran (pg_stat_statements, the driver's own
	 * queries left out) over the same window, per second, per queue (JobRunr has one server for all jobs: the
	 * adapter reports queues=1). Round trips are not counted apart: with pgJDBC a statement is one. The window
	 * is {@code pgWindowSeconds} (60 s in a full run): JobRunr polls every 15 s, a 10 s window could miss it.
	 */
	private JsonNode idlePostgres(AdapterProcess adapter, Scenario scenario) {
		adapter.await("ready", scenario.timeout);
		double warmup = Double.parseDouble(scenario.args.getOrDefault("warmupSeconds", "3"));
		double window = Double.parseDouble(scenario.args.getOrDefault("pgWindowSeconds", "60"));
		sleep((long) (warmup * 1000));
		long statementsBefore = this.postgres.statements();
		long transactionsBefore = this.postgres.transactions();
		double cpuBefore = this.postgres.cpuMillis();
		long start = System.nanoTime();
		sleep((long) (window * 1000));
		long statements = this.postgres.statements() - statementsBefore;
		long transactions = this.postgres.transactions() - transactionsBefore;
		double cpu = this.postgres.cpuMillis() - cpuBefore;
		double seconds = (System.nanoTime() - start) / 1e9;
		adapter.send("stop");
		ObjectNode result = (ObjectNode) adapter.await("result", scenario.timeout);
		int queues = result.path("queues").asInt(1);
		result.put("windowSeconds", Stats.round(seconds, 2));
		result.put("commands", statements);
		result.put("commandsPerSecPerQueue", Stats.round(statements / seconds / queues, 3));
		result.put("transactionsPerSec", Stats.round(transactions / seconds, 3));
		result.put("storeCpuMsPerSec", Stats.round(cpu / seconds, 3));
		return result;
	}

	/**
	 * This machine may be shared: measure how busy the CPUs are with no adapter running, and wait (up to
	 * --quiet-wait seconds) while that is above --quiet-cpu percent. Returns the last measurement.
	 */
	private double awaitQuietCpu() {
		double busy = Cpu.busyPercent(500);
		long allowed = Math.min(this.options.quietWaitSeconds, Math.max(0, this.quietBudgetSeconds));
		long began = System.nanoTime();
		long deadline = began + TimeUnit.SECONDS.toNanos(allowed);
		boolean waited = false;
		while (busy > this.options.quietCpuPercent && System.nanoTime() < deadline) {
			if (!waited) {
				log("  other processes keep the CPUs %.0f%% busy; waiting up to %d s for them", busy,
						this.options.quietWaitSeconds);
				waited = true;
			}
			sleep(2000);
			busy = Cpu.busyPercent(500);
		}
		this.quietBudgetSeconds -= (System.nanoTime() - began) / 1_000_000_000L;
		return busy;
	}

	/** The private PostgreSQL of the run, when a system stores its jobs there. */
	private PostgresServer postgres;

	/** The most the whole run waits for a quiet machine, so that a busy shared machine cannot stall it. */
	private long quietBudgetSeconds = 300;

	/**
	 * CPU use of the whole machine from /proc/stat. Time spent by processes at a lowered priority (nice > 0,
	 * /proc/stat's second column) is measured apart: the scheduler gives them what the run leaves (a nice-19
	 * process weighs 15 against a normal one's 1024), so builds run that way beside a benchmark are reported,
	 * not waited for.
	 */
	static final class Cpu {

		/** The share of the last measurement taken by processes at a lowered priority. */
		static volatile double lastNicePercent;

		static double busyPercent(long millis) {
			long[] a = read();
			sleep(millis);
			long[] b = read();
			if (a == null || b == null) {
				return 0;
			}
			long total = b[0] - a[0];
			long idle = b[1] - a[1];
			long nice = b[2] - a[2];
			lastNicePercent = (total > 0) ? Stats.round(100.0 * nice / total, 1) : 0;
			return (total > 0) ? Stats.round(100.0 * (total - idle - nice) / total, 1) : 0;
		}

		private static long[] read() {
			try {
				String line = Files.readAllLines(Paths.get("/proc/stat")).get(0);
				String[] parts = line.trim().split("\\s+");
				long total = 0;
				for (int i = 1; i < parts.length; i++) {
					total += Long.parseLong(parts[i]);
				}
				long idle = Long.parseLong(parts[4]) + ((parts.length > 5) ? Long.parseLong(parts[5]) : 0);
				return new long[] { total, idle, Long.parseLong(parts[2]) };
			}
			catch (IOException | RuntimeException ex) {
				return null;
			}
		}

	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static void log(String format, Object... args) {
		System.out.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + String.format(format, args));
		System.out.flush();
	}

	// ------------------------------------------------------------------ options

	static final class Options {

		boolean quick;

		int runs = 3;

		List<String> systems = DEFAULT_SYSTEMS;

		List<String> scenarios;

		Path moduleDir = defaultModuleDir();

		Path out;

		String redisServer = "/usr/bin/redis-server";

		/** A redis-server already running on 127.0.0.1 to use instead of starting one; 0 for none. */
		int redisPort;

		String node = "node";

		String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();

		/**
		 * A Java 21 or later for the I/O drain's virtual threads (OURS and JobRunr): --java21, else the oldest
		 * such JDK under /usr/lib/jvm, else null (that scenario then runs on platform threads, and says so).
		 */
		String java21 = findJava21();

		/** The directory of PostgreSQL's programs; null: the newest under /usr/lib/postgresql. */
		String postgresBin;

		String classpath = System.getProperty("java.class.path");

		boolean profile;

		double quietCpuPercent = 25;

		int quietWaitSeconds = 20;

		List<String> jvmOptions = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC");

		static Options parse(String[] argv) {
			Options options = new Options();
			boolean runsGiven = false;
			for (int i = 0; i < argv.length; i++) {
				String arg = argv[i];
				switch (arg) {
					case "--quick" -> options.quick = true;
					case "--profile" -> options.profile = true;
					case "--runs" -> {
						options.runs = Integer.parseInt(argv[++i]);
						runsGiven = true;
					}
					case "--systems" -> options.systems = List.of(argv[++i].split(","));
					case "--scenarios" -> options.scenarios = List.of(argv[++i].split(","));
					case "--module-dir" -> options.moduleDir = Paths.get(argv[++i]).toAbsolutePath().normalize();
					case "--out" -> options.out = Paths.get(argv[++i]).toAbsolutePath().normalize();
					case "--redis-server" -> options.redisServer = argv[++i];
					case "--redis-port" -> options.redisPort = Integer.parseInt(argv[++i]);
					case "--node" -> options.node = argv[++i];
					case "--java21" -> options.java21 = argv[++i];
					case "--postgres-bin" -> options.postgresBin = argv[++i];
					case "--classpath" -> options.classpath = argv[++i];
					case "--quiet-cpu" -> options.quietCpuPercent = Double.parseDouble(argv[++i]);
					case "--quiet-wait" -> options.quietWaitSeconds = Integer.parseInt(argv[++i]);
					default -> throw new IllegalArgumentException("unknown option " + arg
							+ " (see the README of queue-benchmark)");
				}
			}
			// adapters run in their own working directories: make the classpath absolute
			options.classpath = Arrays.stream(options.classpath.split(File.pathSeparator))
				.map((entry) -> entry.endsWith("*")
						? Paths.get(entry.substring(0, entry.length() - 1)).toAbsolutePath() + File.separator + "*"
						: Paths.get(entry).toAbsolutePath().toString())
				.collect(Collectors.joining(File.pathSeparator));
			if (options.quick && !runsGiven) {
				options.runs = 1;
			}
			for (String system : options.systems) {
				if (!ALL_SYSTEMS.contains(system)) {
					throw new IllegalArgumentException("unknown system " + system + "; known: " + ALL_SYSTEMS);
				}
			}
			if (options.out == null) {
				options.out = options.moduleDir.resolve(options.quick ? "target/quick-results" : "results");
			}
			return options;
		}

		private static String findJava21() {
			if (Runtime.version().feature() >= 21) {
				return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
			}
			try (java.util.stream.Stream<Path> jdks = Files.list(Paths.get("/usr/lib/jvm"))) {
				return jdks.filter((jdk) -> Files.isExecutable(jdk.resolve("bin/java")))
					.filter((jdk) -> !Files.isSymbolicLink(jdk))
					.map((jdk) -> Map.entry(jdk, javaVersion(jdk)))
					.filter((entry) -> entry.getValue() >= 21)
					.min(Map.Entry.comparingByValue())
					.map((entry) -> entry.getKey().resolve("bin/java").toString())
					.orElse(null);
			}
			catch (IOException ex) {
				return null;
			}
		}

		/** The feature version in a JDK's release file (JAVA_VERSION="25.0.1"), 0 when unknown. */
		private static int javaVersion(Path jdk) {
			try {
				for (String line : Files.readAllLines(jdk.resolve("release"))) {
					if (line.startsWith("JAVA_VERSION=")) {
						String version = line.substring(line.indexOf('"') + 1);
						return Integer.parseInt(version.split("[.\"]")[0]);
					}
				}
			}
			catch (IOException | RuntimeException ex) {
				// not a JDK we can tell
			}
			return 0;
		}

		private static Path defaultModuleDir() {
			Path cwd = Paths.get("").toAbsolutePath();
			if (Files.isDirectory(cwd.resolve("queue-benchmark/peers"))) {
				return cwd.resolve("queue-benchmark");
			}
			return cwd;
		}

	}

	// ------------------------------------------------------------------ systems

	/** Where a system keeps its jobs: the run's private redis-server or its private PostgreSQL. */
	enum Store {
		REDIS, POSTGRES
	}

	/** Which adapter program runs a system. */
	enum Adapter {
		OURS, BULLMQ, RQUEUE, JOBRUNR
	}

	static final class SystemSpec {

		final String id;

		final String label;

		final String config;

		final Path workingDir;

		final Adapter adapter;

		final Store store;

		/** Arguments this variant adds to every scenario's. */
		private final List<String> extraArgs;

		private final Options options;

		private SystemSpec(String id, Adapter adapter, String label, String config, Path workingDir, Options options,
				String... extraArgs) {
			this.id = id;
			this.adapter = adapter;
			this.label = label;
			this.config = config;
			this.workingDir = workingDir;
			this.store = (adapter == Adapter.JOBRUNR) ? Store.POSTGRES : Store.REDIS;
			this.options = options;
			this.extraArgs = List.of(extraArgs);
		}

		static SystemSpec of(String id, Options options) {
			Path module = options.moduleDir;
			Path bullmq = module.resolve("peers/bullmq");
			Path rqueue = module.resolve("peers/rqueue");
			Path jobrunr = module.resolve("peers/jobrunr");
			return switch (id) {
				case "ours" -> new SystemSpec(id, Adapter.OURS, "async-queue (queue-core)",
						"queue-core in-process; concurrency 8/32, fetchBatchSize 32, handleTimeout 10 s (the default: a "
								+ "timer per job, as users run it), other settings default; idle: QueueSettings.defaults; "
								+ "I/O drain on virtual threads (Java 21+)",
						module, options, "handleTimeoutMs=10000");
				case "ours-no-timeout" -> new SystemSpec(id, Adapter.OURS, "async-queue, no handle timeout",
						"as async-queue, with handleTimeout 0 (no per-job timer)", module, options, "handleTimeoutMs=0");
				case "bullmq" -> new SystemSpec(id, Adapter.BULLMQ, "BullMQ",
						"Worker defaults + removeOnComplete; addBulk for batches", bullmq, options);
				case "bullmq-tuned" -> new SystemSpec(id, Adapter.BULLMQ, "BullMQ, tuned",
						"as BullMQ, plus removeOnFail and the events stream capped at 100 entries (streams.events.maxLen, "
								+ "default 10 000)",
						bullmq, options, "tuned=true");
				case "rqueue" -> new SystemSpec(id, Adapter.RQUEUE, "Rqueue", "Rqueue defaults (Spring Boot 3.0 app)", rqueue,
						options);
				case "rqueue-tuned" -> new SystemSpec(id, Adapter.RQUEUE, "Rqueue, tuned",
						"as Rqueue, plus the listener container's pollingInterval 10 ms (default 200 ms) and the "
								+ "listener's batchSize = its concurrency",
						rqueue, options, "tuned=true");
				case "rqueue-nohistory" -> new SystemSpec(id, Adapter.RQUEUE, "Rqueue, history off",
						"rqueue.job.enabled=false, rqueue.message.durability.in-terminal-state=0, "
								+ "rqueue.web.collect.listener.stats=false",
						rqueue, options, "history=off");
				case "jobrunr" -> new SystemSpec(id, Adapter.JOBRUNR, "JobRunr",
						"JobRunr 8.3.1 (jobrunr-spring-boot-4-starter) on PostgreSQL, defaults (poll interval 15 s), "
								+ "background job server on, worker count = the scenario's concurrency; JobRequest API, "
								+ "enqueue(Stream) for batches",
						jobrunr, options);
				case "jobrunr-tuned" -> new SystemSpec(id, Adapter.JOBRUNR, "JobRunr, tuned",
						"as JobRunr, with the poll interval at 5 s, the smallest it accepts on a SQL database", jobrunr,
						options, "tuned=true");
				default -> throw new IllegalArgumentException("unknown system " + id + "; known: " + ALL_SYSTEMS);
			};
		}

		List<String> command(Scenario scenario, Map<String, String> args, int run) {
			List<String> command = new ArrayList<>();
			// The I/O drain runs OURS and JobRunr on virtual threads, which need Java 21: without one, say so.
			boolean virtual = "virtual".equals(args.get("threads"));
			boolean canUseVirtual = this.adapter == Adapter.OURS || this.adapter == Adapter.JOBRUNR;
			String java = (virtual && canUseVirtual && this.options.java21 != null) ? this.options.java21
					: this.options.java;
			if (virtual && (!canUseVirtual || this.options.java21 == null)) {
				args.put("threads", "platform");
			}
			switch (this.adapter) {
				case OURS -> {
					command.add(java);
					command.addAll(this.options.jvmOptions);
					if (this.options.profile) {
						Path jfr = this.options.out.resolve("profiles/" + this.id + "-" + scenario.id + "-run" + run + ".jfr");
						try {
							Files.createDirectories(jfr.getParent());
						}
						catch (IOException ex) {
							throw new UncheckedIOException(ex);
						}
						command.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
					}
					command.add("-cp");
					command.add(this.options.classpath);
					command.add("io.asyncqueue.benchmark.ours.OursAdapter");
				}
				case BULLMQ -> {
					command.add(this.options.node);
					command.add(this.workingDir.resolve("adapter.mjs").toString());
				}
				case RQUEUE, JOBRUNR -> {
					command.add(java);
					command.addAll(this.options.jvmOptions);
					command.add("-jar");
					command.add(this.workingDir
						.resolve((this.adapter == Adapter.RQUEUE) ? "target/rqueue-peer.jar" : "target/jobrunr-peer.jar")
						.toString());
				}
			}
			command.add(scenario.adapterScenario);
			args.forEach((k, v) -> command.add(k + "=" + v));
			command.addAll(this.extraArgs);
			return command;
		}

	}

	// ------------------------------------------------------------------ scenarios

	enum Kind {
		SIMPLE, FILL, IDLE
	}

	/**
	 * One figure of the report: which scenario, which field, unit and direction; or, with a {@code numerator} and
	 * {@code denominator}, the ratio of two figures of the same system in the same run.
	 */
	record Figure(String key, String scenario, String field, String label, String unit, boolean higherIsBetter,
			String numerator, String denominator) {

		Figure(String key, String scenario, String field, String label, String unit, boolean higherIsBetter) {
			this(key, scenario, field, label, unit, higherIsBetter, null, null);
		}

		/** {@code numerator / denominator}, per system and run. */
		static Figure ratio(String key, String numerator, String denominator, String label) {
			return new Figure(key, "", "", label, "×", true, numerator, denominator);
		}

		boolean isRatio() {
			return this.numerator != null;
		}

	}

	static final List<Figure> FIGURES = List.of(
			new Figure("push.single", "push-single", "rate", "Push, 1 thread, one at a time", "jobs/s", true),
			new Figure("push.threads", "push-threads", "rate", "Push, 32 concurrent producers", "jobs/s", true),
			new Figure("push.batch", "push-batch", "rate", "Push, batches of 1000 (bulk add)", "jobs/s", true),
			new Figure("drain.c8", "drain-c8", "rate", "Drain 100k pre-pushed no-op jobs, concurrency 8", "jobs/s", true),
			new Figure("drain.c32", "drain-c32", "rate", "Drain 100k pre-pushed no-op jobs, concurrency 32", "jobs/s",
					true),
			new Figure("drain.global.c8", "drain-global-c8", "rate",
					"Drain no-op jobs, concurrency 8, global concurrency 8", "jobs/s", true),
			new Figure("drain.global.c32", "drain-global-c32", "rate",
					"Drain no-op jobs, concurrency 32, global concurrency 32", "jobs/s", true),
			new Figure("cpu.drainGlobal8.client", "drain-global-c8", "clientCpuUsPerJob",
					"Drain c8, global concurrency 8: worker process CPU per job", "µs", false),
			new Figure("cpu.drainGlobal8.redis", "drain-global-c8", "redisCpuUsPerJob",
					"Drain c8, global concurrency 8: Redis CPU per job", "µs", false),
			new Figure("cpu.drainGlobal32.client", "drain-global-c32", "clientCpuUsPerJob",
					"Drain c32, global concurrency 32: worker process CPU per job", "µs", false),
			new Figure("cpu.drainGlobal32.redis", "drain-global-c32", "redisCpuUsPerJob",
					"Drain c32, global concurrency 32: Redis CPU per job", "µs", false),
			Figure.ratio("global.cost.c8", "drain.global.c8", "drain.c8",
					"Drain c8 with global concurrency 8 / without (same system, same run)"),
			Figure.ratio("global.cost.c32", "drain.global.c32", "drain.c32",
					"Drain c32 with global concurrency 32 / without (same system, same run)"),
			new Figure("drain.cpu1ms", "drain-1ms", "rate", "Drain 1 ms CPU-bound jobs, concurrency 8", "jobs/s", true),
			new Figure("drain.io20", "drain-io20", "rate",
					"Drain 20 ms I/O-bound jobs (a sleep), concurrency 200, virtual threads on Java 21+", "jobs/s", true),
			new Figure("cpu.batch.client", "push-batch", "clientCpuUsPerJob", "Batched push: producer CPU per job",
					"µs", false),
			new Figure("cpu.batch.redis", "push-batch", "redisCpuUsPerJob",
					"Batched push: store CPU per job (Redis; PostgreSQL for JobRunr)", "µs", false),
			new Figure("cpu.drain8.client", "drain-c8", "clientCpuUsPerJob", "Drain c8: worker process CPU per job",
					"µs", false),
			new Figure("cpu.drain8.redis", "drain-c8", "redisCpuUsPerJob",
					"Drain c8: store CPU per job (Redis; PostgreSQL for JobRunr)", "µs", false),
			new Figure("cpu.drain32.client", "drain-c32", "clientCpuUsPerJob", "Drain c32: worker process CPU per job",
					"µs", false),
			new Figure("cpu.drain32.redis", "drain-c32", "redisCpuUsPerJob",
					"Drain c32: store CPU per job (Redis; PostgreSQL for JobRunr)", "µs", false),
			new Figure("latency.p50", "latency", "p50Ms", "Push → handler start at 2000 jobs/s, p50", "ms", false),
			new Figure("latency.p99", "latency", "p99Ms", "Push → handler start at 2000 jobs/s, p99", "ms", false),
			new Figure("latency.p999", "latency", "p999Ms", "Push → handler start at 2000 jobs/s, p99.9", "ms", false),
			new Figure("delayed.p50", "delayed", "p50Ms", "Delayed-job lateness (start − due), p50", "ms", false),
			new Figure("delayed.p99", "delayed", "p99Ms", "Delayed-job lateness (start − due), p99", "ms", false),
			new Figure("memory.perJob", "fill", "bytesPerJob",
					"Storage per waiting job, 1 KiB payload (Redis memory; PostgreSQL tables and indexes for JobRunr)",
					"bytes", false),
			new Figure("idle.commands", "idle", "commandsPerSecPerQueue",
					"Idle: Redis commands/s per queue (commandstats, scripts' commands included; SQL statements for JobRunr)",
					"cmd/s", false),
			new Figure("idle.roundTrips", "idle", "roundTripsPerSecPerQueue",
					"Idle: client round trips/s per queue (MONITOR)", "cmd/s", false),
			new Figure("rate.achieved", "rate-limit", "achievedRate",
					"Rate limit 100 per 1 s, backlog, concurrency 8: starts/s achieved", "starts/s", true),
			new Figure("rate.share", "rate-limit", "limitSharePercent", "Rate limit: share of the limit achieved", "%",
					true),
			new Figure("rate.maxSliding", "rate-limit", "maxSlidingWindow",
					"Rate limit: most starts in any 1 s window (sliding)", "starts", false),
			new Figure("rate.maxFixed", "rate-limit", "maxFixedWindow",
					"Rate limit: most starts in one fixed 1 s window (from the first start)", "starts", false),
			new Figure("rate.edge.maxSliding", "rate-limit-edge", "maxSlidingWindow",
					"Rate limit, arrivals around a fixed window's edge: most starts in any 1 s window (sliding)", "starts",
					false),
			new Figure("idle.rate.commands", "idle-rate-limit", "commandsPerSecPerQueue",
					"Idle with a rate limit of 100 per 1 s: Redis commands/s per queue (commandstats)", "cmd/s", false),
			new Figure("idle.global.commands", "idle-global", "commandsPerSecPerQueue",
					"Idle with a global concurrency of 8: Redis commands/s per queue (commandstats)", "cmd/s", false));

	static final class Scenario {

		final String id;

		final String adapterScenario;

		final Map<String, String> args;

		final Kind kind;

		final Duration timeout;

		private Scenario(String id, String adapterScenario, Kind kind, Duration timeout, String... args) {
			this.id = id;
			this.adapterScenario = adapterScenario;
			this.kind = kind;
			this.timeout = timeout;
			this.args = new LinkedHashMap<>();
			for (String arg : args) {
				int eq = arg.indexOf('=');
				this.args.put(arg.substring(0, eq), arg.substring(eq + 1));
			}
		}

		static List<Scenario> plan(boolean quick) {
			Duration t = Duration.ofSeconds(quick ? 120 : 240);
			if (quick) {
				return List.of(new Scenario("push-single", "push-single", Kind.SIMPLE, t, "jobs=300", "seconds=2", "warmup=50"),
						new Scenario("push-threads", "push-threads", Kind.SIMPLE, t, "jobs=600", "threads=32", "seconds=2",
								"warmup=50"),
						new Scenario("push-batch", "push-batch", Kind.SIMPLE, t, "jobs=5000", "batch=1000", "seconds=2",
								"warmup=1000"),
						new Scenario("drain-c8", "drain", Kind.SIMPLE, t, "jobs=2000", "warmup=500", "warmupSeconds=2", "concurrency=8", "seconds=10"),
						new Scenario("drain-global-c8", "drain", Kind.SIMPLE, t, "jobs=2000", "warmup=500", "warmupSeconds=2",
								"concurrency=8", "seconds=10", "globalConcurrency=8"),
						new Scenario("drain-c32", "drain", Kind.SIMPLE, t, "jobs=2000", "warmup=500", "warmupSeconds=2", "concurrency=32", "seconds=10"),
						new Scenario("drain-global-c32", "drain", Kind.SIMPLE, t, "jobs=2000", "warmup=500",
								"warmupSeconds=2", "concurrency=32", "seconds=10", "globalConcurrency=32"),
						new Scenario("drain-1ms", "drain", Kind.SIMPLE, t, "jobs=200", "warmup=100", "warmupSeconds=2",
								"concurrency=8", "seconds=10", "work=cpu", "workMs=1"),
						new Scenario("drain-io20", "drain", Kind.SIMPLE, t, "jobs=1000", "warmup=200", "warmupSeconds=2",
								"concurrency=50", "seconds=10", "work=sleep", "workMs=20", "threads=virtual"),
						new Scenario("latency", "latency", Kind.SIMPLE, t, "rate=200", "seconds=1", "warmup=0.5",
								"concurrency=8", "prime=20", "primeSeconds=5", "tailSeconds=2"),
						new Scenario("delayed", "delayed", Kind.SIMPLE, t, "jobs=40", "rate=40", "minDelayMs=100",
								"maxDelayMs=500", "concurrency=32", "prime=20", "primeSeconds=5", "tailSeconds=2"),
						new Scenario("fill", "fill", Kind.FILL, t, "jobs=500", "payloadBytes=1024"),
						new Scenario("idle", "idle", Kind.IDLE, t, "queues=2", "warmupSeconds=0.5", "windowSeconds=2",
								"pgWindowSeconds=2"),
						new Scenario("rate-limit", "rate-limit", Kind.SIMPLE, t, "jobs=600", "rateMax=100",
								"ratePeriodMs=1000", "seconds=3", "concurrency=8"),
						new Scenario("rate-limit-edge", "rate-limit", Kind.SIMPLE, t, "jobs=400", "rateMax=100",
								"ratePeriodMs=1000", "seconds=6", "concurrency=8", "pattern=edge", "cycles=2"),
						new Scenario("idle-rate-limit", "idle", Kind.IDLE, t, "queues=2", "warmupSeconds=0.5",
								"windowSeconds=2", "rateMax=100", "ratePeriodMs=1000"),
						new Scenario("idle-global", "idle", Kind.IDLE, t, "queues=2", "warmupSeconds=0.5",
								"windowSeconds=2", "globalConcurrency=8"));
			}
			return List.of(
					new Scenario("push-single", "push-single", Kind.SIMPLE, t, "jobs=20000", "seconds=4", "warmup=2000"),
					new Scenario("push-threads", "push-threads", Kind.SIMPLE, t, "jobs=60000", "threads=32", "seconds=4",
							"warmup=2000"),
					// 100 batches of warm-up: the JITs compile the serialization paths before the timed phase
					new Scenario("push-batch", "push-batch", Kind.SIMPLE, t, "jobs=300000", "batch=1000", "seconds=4",
							"warmup=100000"),
					// Steady state: 300k jobs (or 20 s) of warm-up so that the JITs (HotSpot's C2, V8's TurboFan) have
					// compiled the hot paths, then 100k timed; the timed phase stops at 20 s (rate = jobs done / time)
					// for systems slower than 5k/s.
					new Scenario("drain-c8", "drain", Kind.SIMPLE, t, "jobs=100000", "warmup=300000", "warmupSeconds=20", "concurrency=8", "seconds=20"),
					// Issue 14: the same drains with a global concurrency equal to the worker's, right after the drain
					// without it, so that the ratio of the two is measured close together in time.
					new Scenario("drain-global-c8", "drain", Kind.SIMPLE, t, "jobs=100000", "warmup=300000",
							"warmupSeconds=20", "concurrency=8", "seconds=20", "globalConcurrency=8"),
					new Scenario("drain-c32", "drain", Kind.SIMPLE, t, "jobs=100000", "warmup=300000", "warmupSeconds=20", "concurrency=32", "seconds=20"),
					new Scenario("drain-global-c32", "drain", Kind.SIMPLE, t, "jobs=100000", "warmup=300000",
							"warmupSeconds=20", "concurrency=32", "seconds=20", "globalConcurrency=32"),
					// Jobs that do something: 1 ms of CPU each (2 cores: at most ~2 000 jobs/s, what is left is the
					// queue's own cost per job), and a 20 ms blocking call each (an HTTP or database call) with 200 in
					// flight (at most 10 000 jobs/s), on virtual threads where the system can use them.
					new Scenario("drain-1ms", "drain", Kind.SIMPLE, t, "jobs=10000", "warmup=4000", "warmupSeconds=5",
							"concurrency=8", "seconds=20", "work=cpu", "workMs=1"),
					new Scenario("drain-io20", "drain", Kind.SIMPLE, t, "jobs=60000", "warmup=20000", "warmupSeconds=5",
							"concurrency=200", "seconds=20", "work=sleep", "workMs=20", "threads=virtual"),
					new Scenario("latency", "latency", Kind.SIMPLE, t, "rate=2000", "seconds=6", "warmup=2",
							"concurrency=8", "prime=2000", "primeSeconds=10", "tailSeconds=5"),
					new Scenario("delayed", "delayed", Kind.SIMPLE, t, "jobs=400", "rate=40", "minDelayMs=100",
							"maxDelayMs=2000", "concurrency=32", "prime=500", "primeSeconds=10", "tailSeconds=5"),
					new Scenario("fill", "fill", Kind.FILL, t, "jobs=20000", "payloadBytes=1024"),
					new Scenario("idle", "idle", Kind.IDLE, t, "queues=4", "warmupSeconds=2", "windowSeconds=10",
							"pgWindowSeconds=60"),
					// Issue 14: 30 s of starts under a limit of 100 per second with a backlog that outlasts them
					// (4 000 jobs for 3 000 starts), counted per window by the driver (RateWindows); then the idle
					// scenario with each limit configured on every queue.
					new Scenario("rate-limit", "rate-limit", Kind.SIMPLE, t, "jobs=4000", "rateMax=100",
							"ratePeriodMs=1000", "seconds=30", "concurrency=8"),
					// the arrivals that find a fixed window's edge: 1 job, 99 at 0.85 s, 100 at 1.05 s, twice
					new Scenario("rate-limit-edge", "rate-limit", Kind.SIMPLE, t, "jobs=400", "rateMax=100",
							"ratePeriodMs=1000", "seconds=6", "concurrency=8", "pattern=edge", "cycles=2"),
					new Scenario("idle-rate-limit", "idle", Kind.IDLE, t, "queues=4", "warmupSeconds=2",
							"windowSeconds=10", "rateMax=100", "ratePeriodMs=1000"),
					new Scenario("idle-global", "idle", Kind.IDLE, t, "queues=4", "warmupSeconds=2", "windowSeconds=10",
							"globalConcurrency=8"));
		}

		String summary(JsonNode result) {
			List<String> parts = new ArrayList<>();
			for (Figure figure : FIGURES) {
				if (figure.scenario().equals(this.id) && result.has(figure.field())) {
					parts.add(figure.field() + "=" + result.get(figure.field()));
				}
			}
			if (result.has("complete") && !result.get("complete").asBoolean()) {
				parts.add("INCOMPLETE");
			}
			if (result.has("unsupported")) {
				parts.add("unsupported: " + result.get("unsupported").asString());
			}
			return String.join(" ", parts);
		}

	}

	// ------------------------------------------------------------------ machine

	static final class Machine {

		static Map<String, Object> describe(Options options, RedisProbe probe, PostgresServer postgres) {
			Map<String, Object> machine = new LinkedHashMap<>();
			machine.put("cpus", Runtime.getRuntime().availableProcessors());
			machine.put("cpuModel", cpuModel());
			machine.put("memoryGiB", memoryGiB());
			machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
					+ System.getProperty("os.arch"));
			machine.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
			machine.put("jvmOptions", String.join(" ", options.jvmOptions));
			Map<String, String> server = probe.info("server");
			machine.put("redis", server.get("redis_version") + " (" + probe.info("memory").get("mem_allocator") + ")");
			machine.put("redisHz", ((List<?>) probe.call("CONFIG", "GET", "hz")).get(1));
			machine.put("node", command(options.node, "--version"));
			machine.put("bullmq", npmVersion(options.moduleDir, "bullmq"));
			machine.put("ioredis", npmVersion(options.moduleDir, "ioredis"));
			machine.put("rqueue", "3.2.0-RELEASE on Spring Boot 3.0.13");
			machine.put("jobrunr", "8.3.1 (jobrunr-spring-boot-4-starter) on Spring Boot 4.1.1");
			machine.put("postgres", (postgres != null) ? postgres.version() + " (synchronous_commit off)" : "not used");
			machine.put("java21", (options.java21 != null) ? command(options.java21, "-version").lines().findFirst().orElse("?")
					: "none (the I/O drain runs on platform threads)");
			machine.put("engine", engineVersion(options.moduleDir));
			machine.put("loadAverageAtStart", loadAverage());
			return machine;
		}

		/**
		 * The commit of queue-core measured, with "-dirty" when the working tree differs from it, so that a
		 * result can always be traced to the engine it measured.
		 */
		private static String engineVersion(Path moduleDir) {
			String root = moduleDir.getParent().toString();
			String commit = command("git", "-C", root, "rev-parse", "--short", "HEAD");
			if (!commit.matches("[0-9a-f]{4,40}")) {
				return "unknown";
			}
			String changes = command("git", "-C", root, "status", "--porcelain", "--", "queue-core");
			return changes.isEmpty() ? commit : commit + "-dirty";
		}

		static String loadAverage() {
			try {
				String[] parts = Files.readString(Paths.get("/proc/loadavg")).trim().split("\\s+");
				return String.join(" ", Arrays.copyOf(parts, 3));
			}
			catch (IOException | RuntimeException ex) {
				return "unknown";
			}
		}

		private static String cpuModel() {
			try {
				return Files.readAllLines(Paths.get("/proc/cpuinfo")).stream()
					.filter((l) -> l.startsWith("model name"))
					.map((l) -> l.substring(l.indexOf(':') + 1).trim())
					.findFirst()
					.orElse("unknown");
			}
			catch (IOException ex) {
				return "unknown";
			}
		}

		private static Object memoryGiB() {
			try {
				return Files.readAllLines(Paths.get("/proc/meminfo")).stream()
					.filter((l) -> l.startsWith("MemTotal"))
					.map((l) -> Stats.round(Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0, 1))
					.findFirst()
					.orElse(null);
			}
			catch (IOException ex) {
				return null;
			}
		}

		private static String npmVersion(Path moduleDir, String name) {
			Path manifest = moduleDir.resolve("peers/bullmq/node_modules/" + name + "/package.json");
			try {
				String text = Files.readString(manifest);
				java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"")
					.matcher(text);
				return m.find() ? m.group(1) : "unknown";
			}
			catch (IOException ex) {
				return "not installed";
			}
		}

		private static String command(String... command) {
			try {
				Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
				String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
				process.waitFor(10, TimeUnit.SECONDS);
				return out;
			}
			catch (IOException ex) {
				return "not found";
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return "unknown";
			}
		}

	}

}
