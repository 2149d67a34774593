package io.asyncqueue.benchmark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The adapter side of the harness protocol: every line an adapter writes to stdout that starts with
 * {@value #PREFIX} is one JSON object ({@code {"event":"ready"}}, {@code {"event":"result",...}});
 * everything else on stdout or stderr is log. The driver answers phased scenarios with single words
 * on the adapter's stdin ({@code go}, {@code stop}).
 */
public final class Protocol {

	public static final String PREFIX = "BENCH ";

	private static final BufferedReader STDIN = new BufferedReader(
			new InputStreamReader(System.in, StandardCharsets.UTF_8));

	private Protocol() {
	}

	public static synchronized void emit(Map<String, ?> fields) {
		System.out.println(PREFIX + Json.write(fields));
		System.out.flush();
	}

	/**
	 * Mark the start or end of a scenario's timed phase, with this process's CPU time so far: the driver
	 * reads Redis's CPU time at the same moment, and reports both per job.
	 * @param name {@code start} or {@code end}
	 */
	public static void mark(String name) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("event", "mark");
		line.put("name", name);
		line.put("cpuMs", processCpuMillis());
		line.put("epochMs", System.currentTimeMillis());
		emit(line);
	}

	public static double processCpuMillis() {
		java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
			.getOperatingSystemMXBean();
		if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
			return sun.getProcessCpuTime() / 1e6;
		}
		return Double.NaN;
	}

	public static void event(String name) {
		emit(Map.of("event", name));
	}

	public static void result(String scenario, Map<String, ?> figures) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("event", "result");
		line.put("scenario", scenario);
		line.putAll(figures);
		emit(line);
	}

	/**
	 * Run an adapter's scenario, print its result (or its error) and exit: 0 when it produced a result.
	 * @param scenario the scenario's name
	 * @param run the scenario
	 * @param cleanup what to close before exiting, whatever happened
	 */
	public static void runAndExit(String scenario, java.util.concurrent.Callable<Map<String, Object>> run,
			Runnable cleanup) {
		int code = 0;
		try {
			result(scenario, run.call());
		}
		catch (Throwable ex) {
			ex.printStackTrace();
			emit(Map.of("event", "error", "message", String.valueOf(ex)));
			code = 1;
		}
		finally {
			try {
				cleanup.run();
			}
			catch (RuntimeException ex) {
				ex.printStackTrace();
			}
		}
		System.exit(code);
	}

	/**
	 * Wait for the driver's next word on stdin.
	 * @param expected the word
	 * @throws IllegalStateException when stdin closes or another word comes
	 */
	public static void await(String expected) {
		try {
			String line = STDIN.readLine();
			if (line == null) {
				throw new IllegalStateException("driver closed stdin while we waited for '" + expected + "'");
			}
			if (!line.trim().equals(expected)) {
				throw new IllegalStateException("expected '" + expected + "' from the driver, got '" + line + "'");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
