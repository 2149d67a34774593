package io.asyncqueue.benchmark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One adapter process: the driver's side of the protocol. Every output line goes to a log file; the
 * {@value Protocol#PREFIX} lines are parsed as events.
 */
final class AdapterProcess implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final JsonNode EOF = JSON.createObjectNode().put("event", "eof");

	private final Process process;

	private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();

	private final Thread reader;

	private final OutputStream stdin;

	private final Path log;

	/** Called on the reader thread as soon as a mark arrives; returns the driver's own reading (Redis CPU ms). */
	private volatile java.util.function.Function<JsonNode, Double> markListener = (event) -> Double.NaN;

	private final java.util.Map<String, Mark> marks = new java.util.concurrent.ConcurrentHashMap<>();

	/** A mark: the adapter's CPU time and Redis's, in ms, at the same moment. */
	record Mark(double adapterCpuMs, double redisCpuMs) {
	}

	void onMark(java.util.function.Function<JsonNode, Double> listener) {
		this.markListener = listener;
	}

	Mark mark(String name) {
		return this.marks.get(name);
	}

	AdapterProcess(List<String> command, Path workingDir, Path log) {
		this.log = log;
		try {
			Files.createDirectories(log.getParent());
			Files.writeString(log, String.join(" ", command) + "\n", StandardCharsets.UTF_8,
					StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
			ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile())
				.redirectErrorStream(true);
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot start " + command, ex);
		}
		this.stdin = this.process.getOutputStream();
		this.reader = new Thread(this::pump, "adapter-output");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	private void pump() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
				PrintWriter out = new PrintWriter(Files.newBufferedWriter(this.log, StandardCharsets.UTF_8,
						StandardOpenOption.APPEND))) {
			String line;
			while ((line = lines.readLine()) != null) {
				out.println(line);
				out.flush();
				int at = line.indexOf(Protocol.PREFIX);
				if (at >= 0) {
					try {
						JsonNode event = JSON.readTree(line.substring(at + Protocol.PREFIX.length()));
						if (event.path("event").asString("").equals("mark")) {
							this.marks.put(event.path("name").asString(""), new Mark(event.path("cpuMs").asDouble(Double.NaN),
									this.markListener.apply(event)));
						}
						else {
							this.events.add(event);
						}
					}
					catch (RuntimeException ex) {
						out.println("[driver] unreadable protocol line: " + ex.getMessage());
					}
				}
			}
		}
		catch (IOException ex) {
			// the process ended
		}
		finally {
			this.events.add(EOF);
		}
	}

	/**
	 * The next event, which must be the expected one.
	 * @throws AdapterException on another event, an error event, an early exit or a timeout
	 */
	JsonNode await(String event, Duration timeout) {
		JsonNode next;
		try {
			next = this.events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AdapterException("interrupted while waiting for '" + event + "'");
		}
		if (next == null) {
			throw new AdapterException("no '" + event + "' within " + timeout.toSeconds() + " s (see " + this.log + ")");
		}
		String name = next.path("event").asString("");
		if (name.equals(event)) {
			return next;
		}
		if (name.equals("error")) {
			throw new AdapterException("adapter failed: " + next.path("message").asString("") + " (see " + this.log + ")");
		}
		if (name.equals("eof")) {
			throw new AdapterException("adapter exited before '" + event + "' (see " + this.log + ")");
		}
		throw new AdapterException("expected '" + event + "', got " + next + " (see " + this.log + ")");
	}

	void send(String word) {
		try {
			this.stdin.write((word + "\n").getBytes(StandardCharsets.UTF_8));
			this.stdin.flush();
		}
		catch (IOException ex) {
			throw new AdapterException("cannot write '" + word + "' to the adapter: " + ex.getMessage());
		}
	}

	/** Wait for the process to end by itself; kill it (and its children) after the timeout. */
	@Override
	public void close() {
		try {
			this.stdin.close();
		}
		catch (IOException ex) {
			// already gone
		}
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				kill();
			}
		}
		catch (InterruptedException ex) {
			kill();
			Thread.currentThread().interrupt();
		}
		try {
			this.reader.join(2000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	void kill() {
		this.process.descendants().forEach(ProcessHandle::destroyForcibly);
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static final class AdapterException extends RuntimeException {

		AdapterException(String message) {
			super(message);
		}

	}

}
