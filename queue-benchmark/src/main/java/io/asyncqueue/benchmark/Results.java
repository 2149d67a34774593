package io.asyncqueue.benchmark;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.asyncqueue.benchmark.Harness.Figure;
import io.asyncqueue.benchmark.Harness.Scenario;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Every figure of every run, their medians, the ratios ours/peer and the targets. */
final class Results {

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	static final Map<String, String> LABELS = Map.of("ours", "async-queue", "ours-no-timeout",
			"async-queue (no handle timeout)", "bullmq", "BullMQ", "bullmq-tuned", "BullMQ (tuned)", "rqueue", "Rqueue",
			"rqueue-tuned", "Rqueue (tuned)", "rqueue-nohistory", "Rqueue (history off)", "jobrunr", "JobRunr",
			"jobrunr-tuned", "JobRunr (tuned)");

	/**
	 * The targets, checked against the medians of the same harness run: a ratio ours / peer at least the
	 * threshold, or a figure of ours at most (or, with {@code atLeast}, at least) the threshold.
	 */
	record Target(String id, String text, String figure, String peer, double threshold, boolean atLeast) {

		Target(String id, String text, String figure, String peer, double threshold) {
			this(id, text, figure, peer, threshold, peer != null);
		}

		boolean isRatio() {
			return this.peer != null;
		}

	}

	static final List<Target> TARGETS = List.of(
			new Target("drain-c8-vs-bullmq", "drain ≥ 4× BullMQ's (concurrency 8)", "drain.c8", "bullmq", 4),
			new Target("drain-c32-vs-bullmq", "drain ≥ 4× BullMQ's (concurrency 32)", "drain.c32", "bullmq", 4),
			new Target("drain-c8-vs-rqueue", "drain ≥ 4× Rqueue's (concurrency 8, defaults)", "drain.c8", "rqueue", 4),
			new Target("drain-c32-vs-rqueue", "drain ≥ 4× Rqueue's (concurrency 32, defaults)", "drain.c32", "rqueue", 4),
			new Target("drain-c8-vs-rqueue-nohistory", "drain ≥ 4× Rqueue's (concurrency 8, history off)", "drain.c8",
					"rqueue-nohistory", 4),
			new Target("drain-c32-vs-rqueue-nohistory", "drain ≥ 4× Rqueue's (concurrency 32, history off)", "drain.c32",
					"rqueue-nohistory", 4),
			new Target("batch-vs-bullmq", "batched push ≥ 5× BullMQ's bulk add", "push.batch", "bullmq", 5),
			new Target("drain-c8-vs-bullmq-tuned", "drain ≥ 4× BullMQ's, tuned (concurrency 8)", "drain.c8",
					"bullmq-tuned", 4),
			new Target("drain-c32-vs-bullmq-tuned", "drain ≥ 4× BullMQ's, tuned (concurrency 32)", "drain.c32",
					"bullmq-tuned", 4),
			new Target("batch-vs-bullmq-tuned", "batched push ≥ 5× BullMQ's bulk add, tuned", "push.batch",
					"bullmq-tuned", 5),
			new Target("drain-c8-vs-rqueue-tuned", "drain ≥ 4× Rqueue's, tuned (concurrency 8)", "drain.c8",
					"rqueue-tuned", 4),
			new Target("drain-c32-vs-rqueue-tuned", "drain ≥ 4× Rqueue's, tuned (concurrency 32)", "drain.c32",
					"rqueue-tuned", 4),
			// issue 18: the two unbatched push rates, and the worker's own CPU per no-op job
			new Target("threads-vs-bullmq", "32 concurrent producers ≥ 1.5× BullMQ's", "push.threads", "bullmq", 1.5),
			new Target("single-vs-bullmq", "one thread pushing one job at a time ≥ 1.2× BullMQ's", "push.single",
					"bullmq", 1.2),
			new Target("worker-cpu-c8", "worker CPU ≤ 10 µs per no-op job (concurrency 8)", "cpu.drain8.client", null,
					10),
			new Target("worker-cpu-c32", "worker CPU ≤ 10 µs per no-op job (concurrency 32)", "cpu.drain32.client", null,
					10),
			new Target("latency-p99", "p99 push → start ≤ 5 ms at 2 000 jobs/s", "latency.p99", null, 5),
			new Target("delayed-p99", "delayed-job lateness p99 ≤ 50 ms", "delayed.p99", null, 50),
			new Target("idle", "idle ≤ 1 Redis command/s per queue (commandstats)", "idle.commands", null, 1),
			new Target("memory", "Redis memory per waiting 1 KiB job ≤ 1.5 KiB (1536 B)", "memory.perJob", null, 1536),
			new Target("global-cost-c8", "global concurrency costs the drain ≤ 15 % (c8, ratio with / without)",
					"global.cost.c8", null, 0.85, true),
			new Target("global-cost-c32", "global concurrency costs the drain ≤ 15 % (c32, ratio with / without)",
					"global.cost.c32", null, 0.85, true),
			new Target("rate-window", "rate limit: no 1 s window with more than 100 starts", "rate.maxSliding", null, 100),
			new Target("rate-share", "rate limit: ≥ 90 % of the limit achieved", "rate.share", null, 90, true),
			new Target("rate-edge", "rate limit, arrivals around a window's edge: no 1 s window with more than 100 starts",
					"rate.edge.maxSliding", null, 100),
			new Target("idle-rate", "idle with a rate limit ≤ 1 Redis command/s per queue", "idle.rate.commands", null,
					1),
			new Target("idle-global", "idle with a global concurrency ≤ 1 Redis command/s per queue",
					"idle.global.commands", null, 1));

	private final Harness.Options options;

	/** figure key → system → value per run (index run-1; null when missing). */
	private final Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();

	private final List<Map<String, Object>> raw = new ArrayList<>();

	private final List<Map<String, Object>> failures = new ArrayList<>();

	Map<String, Object> machine = new LinkedHashMap<>();

	private Instant began;

	private Instant ended;

	/** Runs measured to the end; below {@code options.runs} while a run is still going (results written after each). */
	private int completedRuns;

	Results(Harness.Options options) {
		this.options = options;
		for (Figure figure : Harness.FIGURES) {
			Map<String, List<Double>> bySystem = new LinkedHashMap<>();
			for (String system : options.systems) {
				List<Double> runs = new ArrayList<>();
				for (int i = 0; i < options.runs; i++) {
					runs.add(null);
				}
				bySystem.put(system, runs);
			}
			this.values.put(figure.key(), bySystem);
		}
	}

	void machine(Map<String, Object> machine) {
		this.machine = machine;
	}

	void add(int run, String system, Scenario scenario, JsonNode result) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("run", run);
		entry.put("system", system);
		entry.put("scenario", scenario.id);
		entry.put("args", scenario.args);
		entry.put("result", result);
		this.raw.add(entry);
		for (Figure figure : Harness.FIGURES) {
			if (!figure.scenario().equals(scenario.id)) {
				continue;
			}
			JsonNode value = result.get(figure.field());
			if (value != null && value.isNumber()) {
				this.values.get(figure.key()).get(system).set(run - 1, value.asDouble());
			}
			else if (figure.unit().equals("ms") && result.path("unstarted").asInt(0) > 0) {
				// saturated: that percentile fell on jobs that had not started when the measurement ended
				this.values.get(figure.key()).get(system).set(run - 1, Double.POSITIVE_INFINITY);
			}
		}
		for (Figure figure : Harness.FIGURES) {
			if (figure.isRatio()) {
				Double numerator = this.values.get(figure.numerator()).get(system).get(run - 1);
				Double denominator = this.values.get(figure.denominator()).get(system).get(run - 1);
				if (numerator != null && denominator != null && denominator > 0) {
					this.values.get(figure.key()).get(system).set(run - 1, numerator / denominator);
				}
			}
		}
	}

	void backgroundCpu(double percent, double nicePercent) {
		this.backgroundCpu.add(percent);
		this.backgroundNiceCpu.add(nicePercent);
	}

	private final List<Double> backgroundCpu = new ArrayList<>();

	/** CPU taken before each scenario by processes at a lowered priority (nice), measured apart. */
	private final List<Double> backgroundNiceCpu = new ArrayList<>();

	/** A JSON-safe number: infinity (a saturated latency) becomes the string "Infinity". */
	private static Object json(Double value, int decimals) {
		if (value == null) {
			return null;
		}
		if (value.isInfinite()) {
			return "Infinity";
		}
		return Stats.round(value, decimals);
	}

	void failure(int run, String system, String scenario, String message) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("run", run);
		entry.put("system", system);
		entry.put("scenario", scenario);
		entry.put("error", message);
		this.failures.add(entry);
	}

	void finish(Instant began, Instant ended, int completedRuns) {
		this.completedRuns = completedRuns;
		this.began = began;
		this.ended = ended;
		this.machine.put("loadAverageAtEnd", Harness.Machine.loadAverage());
	}

	Double median(String figure, String system) {
		Map<String, List<Double>> bySystem = this.values.get(figure);
		return (bySystem != null && bySystem.containsKey(system)) ? Stats.median(bySystem.get(system)) : null;
	}

	Double ratio(String figure, String peer) {
		Double ours = median(figure, "ours");
		Double theirs = median(figure, peer);
		if (ours == null || theirs == null || theirs == 0 || ours.isInfinite() || theirs.isInfinite()) {
			return null;
		}
		return ours / theirs;
	}

	List<String> systems() {
		return this.options.systems;
	}

	List<String> peers() {
		return this.options.systems.stream().filter((s) -> !s.equals("ours")).toList();
	}

	/** Value, threshold and verdict of a target; verdict null when a figure is missing. */
	Map<String, Object> evaluate(Target target) {
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("id", target.id());
		out.put("target", target.text());
		Double value = target.isRatio() ? ratio(target.figure(), target.peer()) : median(target.figure(), "ours");
		out.put("value", json(value, 3));
		out.put("threshold", target.threshold());
		out.put("kind", (target.isRatio() ? "ratio ours/" + target.peer() + " " : "")
				+ (target.atLeast() ? "at least" : "at most"));
		Boolean met = null;
		if (value != null) {
			met = target.atLeast() ? value >= target.threshold() : value <= target.threshold();
		}
		out.put("met", met);
		return out;
	}

	String toJson() {
		Map<String, Object> root = new LinkedHashMap<>();
		root.put("issue", "queue-benchmark: throughput, latency, memory and idle cost, side by side with BullMQ and Rqueue");
		root.put("date", (this.began != null) ? this.began.truncatedTo(ChronoUnit.SECONDS).toString() : null);
		root.put("durationSeconds", (this.began != null) ? Duration.between(this.began, this.ended).toSeconds() : null);
		root.put("mode", this.options.quick ? "quick" : "full");
		root.put("runs", this.options.runs);
		root.put("completedRuns", this.completedRuns);
		root.put("machine", this.machine);
		root.put("backgroundCpuPercentBeforeScenarios", backgroundCpuSummary());
		List<Map<String, Object>> systems = new ArrayList<>();
		for (String id : this.options.systems) {
			Harness.SystemSpec spec = Harness.SystemSpec.of(id, this.options);
			Map<String, Object> system = new LinkedHashMap<>();
			system.put("id", id);
			system.put("label", spec.label);
			system.put("config", spec.config);
			systems.add(system);
		}
		root.put("systems", systems);
		List<Map<String, Object>> figures = new ArrayList<>();
		for (Figure figure : Harness.FIGURES) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("key", figure.key());
			entry.put("label", figure.label());
			entry.put("unit", figure.unit());
			entry.put("better", figure.higherIsBetter() ? "higher" : "lower");
			Map<String, Object> medians = new LinkedHashMap<>();
			Map<String, Object> ratios = new LinkedHashMap<>();
			for (String system : this.options.systems) {
				medians.put(system, json(median(figure.key(), system), 3));
			}
			for (String peer : peers()) {
				Double ratio = ratio(figure.key(), peer);
				ratios.put(peer, (ratio != null) ? Stats.round(ratio, 3) : null);
			}
			entry.put("median", medians);
			entry.put("ratioOursToPeer", ratios);
			Map<String, List<Object>> runs = new LinkedHashMap<>();
			this.values.get(figure.key()).forEach((system, list) -> runs.put(system,
					list.stream().map((v) -> json(v, 3)).toList()));
			entry.put("runs", runs);
			figures.add(entry);
		}
		root.put("figures", figures);
		root.put("targets", TARGETS.stream().map(this::evaluate).toList());
		root.put("failures", this.failures);
		root.put("raw", this.raw);
		return JSON.writeValueAsString(root) + "\n";
	}

	private Map<String, Object> backgroundCpuSummary() {
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("median", json(Stats.median(this.backgroundCpu), 1));
		summary.put("max", json(max(this.backgroundCpu), 1));
		summary.put("samples", this.backgroundCpu.size());
		summary.put("niceMedian", json(Stats.median(this.backgroundNiceCpu), 1));
		summary.put("niceMax", json(max(this.backgroundNiceCpu), 1));
		return summary;
	}

	private static Double max(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).max().stream().boxed().findFirst().orElse(null);
	}

	String toMarkdown() {
		StringBuilder md = new StringBuilder();
		md.append("| Figure | ");
		for (String system : this.options.systems) {
			md.append(LABELS.get(system)).append(" | ");
		}
		for (String peer : peers()) {
			md.append("ours / ").append(LABELS.get(peer)).append(" | ");
		}
		md.append('\n').append("|---|");
		for (int i = 0; i < this.options.systems.size() + peers().size(); i++) {
			md.append("---:|");
		}
		md.append('\n');
		for (Figure figure : Harness.FIGURES) {
			md.append("| ").append(figure.label()).append(" (").append(figure.unit()).append(", ")
				.append(figure.higherIsBetter() ? "higher" : "lower").append(" is better) | ");
			for (String system : this.options.systems) {
				md.append(format(median(figure.key(), system), figure.unit())).append(" | ");
			}
			for (String peer : peers()) {
				Double ratio = ratio(figure.key(), peer);
				md.append((ratio != null) ? String.format(Locale.ROOT, "%.2f×", ratio) : "—").append(" | ");
			}
			md.append('\n');
		}
		md.append('\n');
		md.append("| Target (ours, same run) | value | met |\n|---|---:|:---:|\n");
		for (Target target : TARGETS) {
			if (target.isRatio() && !this.options.systems.contains(target.peer())) {
				continue;
			}
			Map<String, Object> verdict = evaluate(target);
			Object value = verdict.get("value");
			String shown = (value == null || value instanceof String) ? "—"
					: target.isRatio() ? String.format(Locale.ROOT, "%.2f×", (Double) value)
							: format((Double) value, unitOf(target.figure()));
			if (value instanceof String) {
				shown = "∞";
			}
			Object met = verdict.get("met");
			md.append("| ").append(target.text()).append(" | ").append(shown).append(" | ")
				.append((met == null) ? "—" : ((Boolean) met) ? "yes" : "**no**").append(" |\n");
		}
		md.append('\n');
		md.append(String.format(Locale.ROOT,
				"Medians of %d run(s)%s%s, %s. Machine: %s CPUs (%s), %s GiB; JVM %s (%s); Redis %s (hz %s); Node %s, "
						+ "bullmq %s, ioredis %s; Rqueue %s; JobRunr %s, %s; Java for virtual threads: %s; "
						+ "engine (queue-core) at commit %s. Load average at start %s, at end %s.%n",
				this.completedRuns, this.options.quick ? " (quick mode: tiny counts, not comparable)" : "",
				(this.completedRuns < this.options.runs)
						? " (interim: " + this.completedRuns + " of " + this.options.runs + " runs done)" : "",
				(this.began != null) ? this.began.truncatedTo(ChronoUnit.SECONDS) : "?", this.machine.get("cpus"),
				this.machine.get("cpuModel"), this.machine.get("memoryGiB"), this.machine.get("jvm"),
				this.machine.get("jvmOptions"), this.machine.get("redis"), this.machine.get("redisHz"),
				this.machine.get("node"), this.machine.get("bullmq"), this.machine.get("ioredis"),
				this.machine.get("rqueue"), this.machine.get("jobrunr"), this.machine.get("postgres"),
				this.machine.get("java21"), this.machine.getOrDefault("engine", "unknown"),
				this.machine.get("loadAverageAtStart"), this.machine.get("loadAverageAtEnd")));
		Map<String, Object> cpu = backgroundCpuSummary();
		md.append(String.format(Locale.ROOT,
				"CPU busy with other processes just before each scenario (no adapter running): median %s%%, max %s%%; "
						+ "taken by processes at a lowered priority (nice), apart: median %s%%, max %s%%.%n",
				cpu.get("median"), cpu.get("max"), cpu.get("niceMedian"), cpu.get("niceMax")));
		md.append("∞: saturated, the percentile fell on jobs that had not started when the measurement ended.\n");
		if (this.options.systems.contains("rqueue-nohistory")) {
			md.append("Rqueue (history off) runs only the scenarios that complete jobs (drain, latency, delayed): job history "
					+ "is not read on its enqueue path nor by waiting or idle queues.\n");
		}
		if (this.options.systems.stream().anyMatch((s) -> s.endsWith("-tuned") || s.equals("ours-no-timeout"))) {
			md.append("Variants whose settings only a worker reads (Rqueue and JobRunr tuned, async-queue without handle "
					+ "timeout) leave out the push and storage scenarios, whose figures are their defaults'.\n");
		}
		if (this.options.systems.stream().anyMatch((s) -> s.startsWith("jobrunr"))) {
			md.append("JobRunr keeps its jobs in PostgreSQL: its store CPU, storage and idle figures are PostgreSQL's "
					+ "(CPU of the postmaster and its backends; tables with indexes and TOAST; SQL statements/s of its "
					+ "one background job server, as it has no named queues). It picks up new jobs when it polls "
					+ "(15 s by default, 5 s tuned), so its latency scenarios wait two poll intervals longer for them.\n");
		}
		if (this.options.systems.contains("rqueue")) {
			md.append("Rqueue has no batch enqueue: its batched-push cell is empty.\n");
		}
		if (this.options.systems.stream().anyMatch((s) -> !Harness.FLOW_SYSTEMS.contains(s))) {
			md.append("The flow-control scenarios of issue 14 (global concurrency, rate limit) run for async-queue and "
					+ "BullMQ only, the two with these limits in their open-source editions.\n");
		}
		if (!this.failures.isEmpty()) {
			md.append("\nFailures:\n");
			for (Map<String, Object> failure : this.failures) {
				md.append("- run ").append(failure.get("run")).append(' ').append(failure.get("system")).append(' ')
					.append(failure.get("scenario")).append(": ").append(failure.get("error")).append('\n');
			}
		}
		return md.toString();
	}

	private static String unitOf(String figureKey) {
		return Harness.FIGURES.stream().filter((f) -> f.key().equals(figureKey)).findFirst().map(Figure::unit)
			.orElse("");
	}

	static String format(Double value, String unit) {
		if (value == null) {
			return "—";
		}
		if (value.isInfinite()) {
			return "∞";
		}
		return switch (unit) {
			case "jobs/s", "bytes" -> String.format(Locale.ROOT, "%,.0f", value).replace(',', ' ');
			case "µs", "%" -> String.format(Locale.ROOT, "%.1f", value);
			case "starts" -> String.format(Locale.ROOT, "%.0f", value);
			case "×" -> String.format(Locale.ROOT, "%.2f×", value);
			case "ms" -> (value >= 100) ? String.format(Locale.ROOT, "%.0f", value)
					: (value >= 10) ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.2f", value);
			default -> String.format(Locale.ROOT, "%.2f", value);
		};
	}

	Map<String, Map<String, List<Double>>> values() {
		return this.values;
	}

}
