package io.asyncqueue.test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import redis.embedded.core.ExecutableProvider;

/** Finds, extracts and probes {@code redis-server} binaries. */
final class Binaries {

	/** A binary we are going to run, and how to describe where it came from. */
	static final class Binary {
		final Path path;
		final RedisServerProvider provider;
		final String origin;

		Binary(Path path, RedisServerProvider provider, String origin) {
			this.path = path;
			this.provider = provider;
			this.origin = origin;
		}

		@Override
		public String toString() {
			return origin;
		}
	}

	private static final Pattern VERSION = Pattern.compile("v=(\\d+\\.\\d+\\.\\d+)");
	private static final Map<Path, String> VERSIONS = new ConcurrentHashMap<>();
	private static volatile Path embedded;

	private Binaries() {
	}

	/** The binary named by the system property / environment variable, or {@code null} if unset. */
	static Binary configured() {
		String name = RedisServerProvider.setting(RedisServerProvider.SERVER_PROPERTY, RedisServerProvider.SERVER_ENV);
		if (name == null) {
			return null;
		}
		String source = System.getProperty(RedisServerProvider.SERVER_PROPERTY) != null
				? "system property " + RedisServerProvider.SERVER_PROPERTY
				: "environment variable " + RedisServerProvider.SERVER_ENV;
		Path path = null;
		try {
			Path candidate = Paths.get(name);
			if (candidate.getNameCount() > 1 || candidate.isAbsolute()) {
				path = candidate.toAbsolutePath();
			}
		} catch (InvalidPathException e) {
			throw new IllegalStateException(source + "=" + name + " is not a valid path", e);
		}
		if (path == null) {
			path = onPath(name); // a bare name such as "redis-server-7"
			if (path == null) {
				throw new IllegalStateException(source + "=" + name + " names no executable file, and no such file is on the PATH");
			}
		}
		if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
			throw new IllegalStateException(source + "=" + name + " is not an executable file");
		}
		return new Binary(path, RedisServerProvider.PATH, path + " (from " + source + ")");
	}

	/** {@code redis-server} on the PATH, or {@code null}. */
	static Binary onPath() {
		Path path = onPath("redis-server");
		return path == null ? null : new Binary(path, RedisServerProvider.PATH, path.toString());
	}

	private static Path onPath(String name) {
		String pathVariable = System.getenv("PATH");
		if (pathVariable == null) {
			return null;
		}
		boolean windows = isWindows();
		for (String dir : pathVariable.split(Pattern.quote(File.pathSeparator))) {
			if (dir.isBlank()) {
				continue;
			}
			for (String candidateName : windows ? new String[] {name + ".exe", name} : new String[] {name}) {
				try {
					// Deliberately not toRealPath(): Debian's /usr/bin/redis-server is a symlink to
					// redis-check-rdb, and the binary picks its mode from argv[0].
					Path candidate = Paths.get(dir, candidateName).toAbsolutePath();
					if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
						return candidate;
					}
				} catch (InvalidPathException ignored) {
					// a malformed PATH entry
				}
			}
		}
		return null;
	}

	/** The binary bundled in embedded-redis, extracted once per JVM (deleted by the library at exit). */
	static Binary embedded() {
		Path path = embedded;
		if (path == null) {
			synchronized (Binaries.class) {
				path = embedded;
				if (path == null) {
					try {
						path = ExecutableProvider.newJarResourceProvider().get().toPath();
					} catch (IOException | RuntimeException e) {
						throw new IllegalStateException("The embedded-redis artifact has no redis-server for this platform ("
								+ System.getProperty("os.name") + " " + System.getProperty("os.arch") + ") or it could not be "
								+ "extracted: " + e + ". Install redis-server on the PATH, or set "
								+ RedisServerProvider.SERVER_PROPERTY + ", or use the TESTCONTAINERS provider.", e);
					}
					embedded = path;
				}
			}
		}
		return new Binary(path, RedisServerProvider.EMBEDDED, path + " (bundled in embedded-redis)");
	}

	/**
	 * Runs {@code binary --version} and returns the version (e.g. {@code 7.0.15}); cached per binary.
	 *
	 * @throws IllegalStateException with the binary's output when it cannot run on this machine
	 */
	static String version(Path binary) {
		return VERSIONS.computeIfAbsent(binary, Binaries::probeVersion);
	}

	private static String probeVersion(Path binary) {
		String output;
		int exit;
		try {
			Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
			process.getOutputStream().close();
			try (InputStream in = process.getInputStream()) {
				// The output is one short line; read it before waiting so the process never blocks on a full pipe.
				output = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8).trim();
			}
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(binary + " --version did not finish within 10 s");
			}
			exit = process.exitValue();
		} catch (IOException e) {
			throw new IllegalStateException("Cannot run " + binary + " on this machine ("
					+ System.getProperty("os.name") + " " + System.getProperty("os.arch") + "): " + e.getMessage(), e);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + binary + " --version", e);
		}
		Matcher matcher = VERSION.matcher(output);
		if (exit != 0 || !matcher.find()) {
			throw new IllegalStateException("Cannot run " + binary + " on this machine ("
					+ System.getProperty("os.name") + " " + System.getProperty("os.arch") + "): `--version` exited with "
					+ exit + " and printed: " + (output.isEmpty() ? "(nothing)" : output));
		}
		return matcher.group(1);
	}

	static boolean isWindows() {
		return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
	}

	static boolean isLinuxArm64() {
		String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
		return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
				&& (arch.equals("aarch64") || arch.equals("arm64"));
	}
}
