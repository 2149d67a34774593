package io.asyncqueue.benchmark;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording of an adapter (made with {@code run.sh --profile}): CPU samples by thread,
 * by top frame ("self") and by any frame ("total"), and allocation by top frame.
 *
 * <pre>java -cp queue-benchmark/target/classes io.asyncqueue.benchmark.JfrTop results/profiles/ours-drain-c8-run1.jfr [rows]</pre>
 */
public final class JfrTop {

	private JfrTop() {
	}

	public static void main(String[] args) throws IOException {
		Path file = Paths.get(args[0]);
		int rows = (args.length > 1) ? Integer.parseInt(args[1]) : 25;
		// The timed phase only: the adapter's start/end marks, from its log beside the profiles folder.
		long from = Long.MIN_VALUE;
		long to = Long.MAX_VALUE;
		Path log = (file.getParent() != null && file.getParent().getParent() != null) ? file.getParent().getParent()
			.resolve("logs").resolve(file.getFileName().toString().replace(".jfr", ".log")) : null;
		if (log != null && java.nio.file.Files.exists(log)) {
			for (String line : java.nio.file.Files.readAllLines(log)) {
				java.util.regex.Matcher m = java.util.regex.Pattern
					.compile("\\{\"event\":\"mark\",\"name\":\"(start|end)\".*\"epochMs\":(\\d+)").matcher(line);
				if (m.find()) {
					if (m.group(1).equals("start")) {
						from = Long.parseLong(m.group(2));
					}
					else {
						to = Long.parseLong(m.group(2));
					}
				}
			}
			if (from != Long.MIN_VALUE) {
				System.out.printf("timed phase only: %d ms (marks in %s)%n", to - from, log.getFileName());
			}
		}
		Map<String, Integer> self = new HashMap<>();
		Map<String, Integer> total = new HashMap<>();
		Map<String, Integer> threads = new HashMap<>();
		Map<String, Long> allocation = new HashMap<>();
		Map<String, Integer> engine = new HashMap<>();
		Map<String, Integer> library = new HashMap<>();
		int samples = 0;
		long allocated = 0;
		for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
			long at = event.getStartTime().toEpochMilli();
			if (at < from || at > to) {
				continue;
			}
			String type = event.getEventType().getName();
			RecordedStackTrace stack = event.getStackTrace();
			if (type.equals("jdk.ExecutionSample") && stack != null && !stack.getFrames().isEmpty()) {
				samples++;
				List<RecordedFrame> frames = stack.getFrames();
				self.merge(name(frames.get(0)), 1, Integer::sum);
				library.merge(library(frames.get(0)), 1, Integer::sum);
				String owner = "(no io.asyncqueue frame)";
				for (RecordedFrame frame : frames) {
					if (frame.getMethod().getType().getName().startsWith("io.asyncqueue.")) {
						owner = name(frame);
						break;
					}
				}
				engine.merge(owner, 1, Integer::sum);
				Set<String> seen = new HashSet<>();
				for (RecordedFrame frame : frames) {
					String name = name(frame);
					if (seen.add(name)) {
						total.merge(name, 1, Integer::sum);
					}
				}
				String thread = (event.getThread("sampledThread") != null)
						? event.getThread("sampledThread").getJavaName() : "?";
				threads.merge(thread.replaceAll("-?\\d+$", "-N"), 1, Integer::sum);
			}
			else if ((type.equals("jdk.ObjectAllocationSample")) && stack != null && !stack.getFrames().isEmpty()) {
				long weight = event.getLong("weight");
				allocated += weight;
				allocation.merge(name(stack.getFrames().get(0)), weight, Long::sum);
			}
		}
		System.out.printf("%s: %d CPU samples%n%n", file.getFileName(), samples);
		print("CPU by thread", threads, samples, rows);
		print("CPU self by library (top frame)", library, samples, rows);
		print("CPU by innermost io.asyncqueue frame (which of our code led there)", engine, samples, rows);
		print("CPU self (top frame)", self, samples, rows);
		print("CPU total (frame anywhere on the stack)", total, samples, rows);
		System.out.printf("Allocation by top frame (%.1f MB sampled)%n", allocated / 1e6);
		long allocatedTotal = Math.max(1, allocated);
		allocation.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(rows)
			.forEach((e) -> System.out.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / allocatedTotal,
					e.getKey()));
	}

	private static void print(String title, Map<String, Integer> counts, int samples, int rows) {
		System.out.println(title);
		counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(rows)
			.forEach((e) -> System.out.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, samples), e.getKey()));
		System.out.println();
	}

	private static String library(RecordedFrame frame) {
		String type = frame.getMethod().getType().getName();
		String[] prefixes = { "io.netty.", "io.lettuce.", "tools.jackson.", "io.asyncqueue.", "java.util.concurrent.",
				"java.", "jdk.", "sun." };
		for (String prefix : prefixes) {
			if (type.startsWith(prefix)) {
				return prefix + "*";
			}
		}
		int dot = type.lastIndexOf('.');
		return (dot > 0) ? type.substring(0, dot) + ".*" : type;
	}

	private static String name(RecordedFrame frame) {
		return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
	}

}
