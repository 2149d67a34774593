package io.asyncqueue.it;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the workers recorded in Redis (see {@code Recorder}): every finished execution, and every started
 * one when the workers record starts. Read after the fact, so a killed worker's records count too.
 */
final class Records {

	/** One execution whose handler finished. */
	record Finished(String worker, String jobId, int attempt, long startMs, long endMs, int n, String execId) {
	}

	/** One execution that started. */
	record Started(String worker, String jobId, int attempt, long startMs, int n, String execId) {
	}

	final List<Finished> finished;

	final List<Started> started;

	/** Job id → executions that finished (Redis's own count, HINCRBY). */
	final Map<String, Long> runs;

	Records(List<String> finishedLines, List<String> startedLines, Map<String, String> runs) {
		Map<String, Finished> finished = new LinkedHashMap<>();
		for (String line : finishedLines) {
			String[] f = line.split("\\|");
			finished.putIfAbsent(f[7], new Finished(f[1], f[2], Integer.parseInt(f[3]), Long.parseLong(f[4]),
					Long.parseLong(f[5]), Integer.parseInt(f[6]), f[7]));
		}
		Map<String, Started> started = new LinkedHashMap<>();
		for (String line : startedLines) {
			String[] f = line.split("\\|");
			started.putIfAbsent(f[6], new Started(f[1], f[2], Integer.parseInt(f[3]), Long.parseLong(f[4]),
					Integer.parseInt(f[5]), f[6]));
		}
		this.finished = List.copyOf(finished.values());
		this.started = List.copyOf(started.values());
		Map<String, Long> counts = new HashMap<>();
		runs.forEach((id, count) -> counts.put(id, Long.parseLong(count)));
		this.runs = Map.copyOf(counts);
	}

	/** Jobs of {@code expected} that never finished a handler. */
	Set<String> lost(Collection<String> expected) {
		Set<String> lost = new HashSet<>(expected);
		lost.removeAll(this.runs.keySet());
		return lost;
	}

	/** Executions beyond the first, over all jobs: how many handler runs were duplicates. */
	long duplicates() {
		return this.runs.values().stream().mapToLong((count) -> count - 1).sum();
	}

	/** Jobs that finished more than once. */
	Set<String> duplicatedJobs() {
		return this.runs.entrySet()
			.stream()
			.filter((entry) -> entry.getValue() > 1)
			.map(Map.Entry::getKey)
			.collect(Collectors.toSet());
	}

	/** Finished executions per worker. */
	Map<String, Long> perWorker() {
		return this.finished.stream().collect(Collectors.groupingBy(Finished::worker, TreeMap::new, Collectors.counting()));
	}

	List<Finished> finishedBy(String worker) {
		return this.finished.stream().filter((f) -> f.worker().equals(worker)).toList();
	}

	List<Started> startedBy(String worker) {
		return this.started.stream().filter((s) -> s.worker().equals(worker)).toList();
	}

	List<Finished> finishedOf(String jobId) {
		return this.finished.stream().filter((f) -> f.jobId().equals(jobId)).toList();
	}

	/** The earliest start of a job by a worker at or after {@code fromMs}. */
	Optional<Long> firstStartAtOrAfter(String worker, long fromMs) {
		long first = Long.MAX_VALUE;
		for (Finished f : this.finished) {
			if (f.worker().equals(worker) && f.startMs() >= fromMs && f.startMs() < first) {
				first = f.startMs();
			}
		}
		for (Started s : this.started) {
			if (s.worker().equals(worker) && s.startMs() >= fromMs && s.startMs() < first) {
				first = s.startMs();
			}
		}
		return (first == Long.MAX_VALUE) ? Optional.empty() : Optional.of(first);
	}

	/** Finished executions whose attempt number was above 1 (the job had been fetched before). */
	long finishedOnALaterAttempt() {
		return this.finished.stream().filter((f) -> f.attempt() > 1).count();
	}

	List<Integer> payloadNumbers() {
		List<Integer> numbers = new ArrayList<>();
		this.finished.forEach((f) -> numbers.add(f.n()));
		return numbers;
	}

}
