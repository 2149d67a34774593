package io.asyncqueue.test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@code redis-server} child process, configured through a redis.conf in the data directory. */
final class ProcessBackend implements Backend {

	private static final int OUTPUT_LINES = 40;

	private final Binaries.Binary binary;
	private final String binaryVersion;
	private final List<String> extraConfig;
	private final boolean sentinel;
	private final boolean tls;
	private Process process;
	private Path log;
	private long logOffset;

	ProcessBackend(Binaries.Binary binary) {
		this(binary, List.of(), false, false);
	}

	/**
	 * @param extraConfig redis.conf lines appended after the defaults (e.g. {@code cluster-enabled yes})
	 * @param sentinel whether to run the binary as a Sentinel ({@code --sentinel}), which needs a writable
	 *     config file: Sentinel rewrites it with what it learns
	 * @param tls whether the port is the {@code tls-port} (and the plain port is off); the certificates are
	 *     in {@code extraConfig}
	 */
	ProcessBackend(Binaries.Binary binary, List<String> extraConfig, boolean sentinel, boolean tls) {
		this.binary = binary;
		this.binaryVersion = Binaries.version(binary.path); // fails early, with output, if it cannot run here
		this.extraConfig = List.copyOf(extraConfig);
		this.sentinel = sentinel;
		this.tls = tls;
	}

	/** The same binary with more redis.conf lines, as a Sentinel, or speaking TLS. */
	ProcessBackend with(List<String> config, boolean asSentinel, boolean withTls) {
		return new ProcessBackend(binary, config, asSentinel, withTls);
	}

	@Override
	public void launch(int port, Path dataDir, boolean appendOnly, Duration startupTimeout) throws IOException {
		Path conf = dataDir.resolve("redis.conf");
		Files.writeString(conf, config(port, dataDir, appendOnly), StandardCharsets.UTF_8);
		log = dataDir.resolve("redis.log");
		logOffset = Files.exists(log) ? Files.size(log) : 0;
		List<String> command = sentinel ? List.of(binary.path.toString(), conf.toString(), "--sentinel")
				: List.of(binary.path.toString(), conf.toString());
		ProcessBuilder builder = new ProcessBuilder(command)
				.directory(dataDir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(Redirect.appendTo(log.toFile()));
		process = builder.start();
		process.getOutputStream().close();
	}

	private String config(int port, Path dataDir, boolean appendOnly) {
		StringBuilder conf = new StringBuilder()
				.append("# Written by io.asyncqueue.test.RedisServer: a private server for tests\n")
				.append(tls ? "port 0\ntls-port " : "port ").append(port).append('\n')
				.append("bind 127.0.0.1\n")
				.append("protected-mode no\n")
				.append("save \"\"\n")
				.append("appendonly ").append(appendOnly ? "yes" : "no").append('\n')
				.append("dir ").append(quote(dataDir.toAbsolutePath().toString())).append('\n');
		if (Binaries.isLinuxArm64() && (binaryVersion.startsWith("6.2.") || binaryVersion.startsWith("7.0."))) {
			// These versions refuse to start on some arm64 kernels unless told this is fine (we never fork to save).
			conf.append("ignore-warnings ARM64-COW-BUG\n");
		}
		extraConfig.forEach(line -> conf.append(line).append('\n'));
		return conf.toString();
	}

	private static String quote(String value) {
		return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
	}

	@Override
	public boolean isAlive() {
		return process != null && process.isAlive();
	}

	@Override
	public void terminate(boolean graceful) {
		Process p = process;
		if (p == null) {
			return;
		}
		try {
			if (graceful && p.waitFor(10, TimeUnit.SECONDS)) {
				return;
			}
			p.descendants().forEach(ProcessHandle::destroyForcibly); // a forked AOF rewrite, if any
			p.destroy();
			if (p.waitFor(3, TimeUnit.SECONDS)) {
				return;
			}
			p.destroyForcibly();
			p.waitFor(10, TimeUnit.SECONDS);
		} catch (InterruptedException e) {
			p.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void kill() {
		Process p = process;
		if (p == null) {
			return;
		}
		p.destroyForcibly(); // SIGKILL: no SHUTDOWN, no AOF flush, no goodbye to replicas
		try {
			p.waitFor(10, TimeUnit.SECONDS);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public String output() {
		if (log == null || !Files.exists(log)) {
			return "(no output)";
		}
		try (InputStream in = Files.newInputStream(log)) {
			in.skipNBytes(Math.min(logOffset, Files.size(log)));
			String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
			if (text.isEmpty()) {
				return "(no output)";
			}
			String[] lines = text.split("\r?\n");
			if (lines.length <= OUTPUT_LINES) {
				return text;
			}
			return "...\n" + String.join("\n", Arrays.copyOfRange(lines, lines.length - OUTPUT_LINES, lines.length));
		} catch (IOException e) {
			return "(could not read " + log + ": " + e + ")";
		}
	}

	@Override
	public String host() {
		return "127.0.0.1";
	}

	@Override
	public String origin() {
		return binary.origin;
	}

	@Override
	public RedisServerProvider provider() {
		return binary.provider;
	}

	@Override
	public boolean owns(long reportedPid) {
		Process p = process;
		// A descendant too: the configured "binary" may be a wrapper script that does not exec.
		return p != null && (p.pid() == reportedPid || p.descendants().anyMatch(h -> h.pid() == reportedPid));
	}

	@Override
	public String binaryVersion() {
		return binaryVersion;
	}

	@Override
	public void dispose() {
		if (isAlive()) {
			terminate(false);
		}
	}
}
