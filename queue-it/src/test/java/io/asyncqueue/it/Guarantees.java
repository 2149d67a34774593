package io.asyncqueue.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;

/**
 * Collects the figures each scenario measured into {@code target/guarantees.md}: one table row per
 * scenario (kept in {@code target/guarantees/<n>.row}, so a run of one class updates its row only).
 */
final class Guarantees {

	static final String COMMAND = "./mvnw -B -pl queue-it -am verify";

	private Guarantees() {
	}

	/**
	 * Record one scenario's row and rewrite the table.
	 * @param number the scenario's number (orders the rows)
	 * @param scenario what was done
	 * @param jobs how many jobs
	 * @param lost jobs never handled
	 * @param duplicated extra handler executions (beyond one per job)
	 * @param recovery the recovery figures
	 * @param testClass the IT class that reproduces it
	 */
	static synchronized void record(int number, String scenario, String jobs, long lost, String duplicated,
			String recovery, Class<?> testClass) {
		String row = "| " + number + " | " + scenario + " | " + jobs + " | " + lost + " | " + duplicated + " | "
				+ recovery + " | `" + COMMAND + " -Dit.test=" + testClass.getSimpleName() + "` |";
		System.out.println("[guarantees] " + row);
		Path output = Path.of(System.getProperty("it.output", "target"));
		Path rows = output.resolve("guarantees");
		try {
			Files.createDirectories(rows);
			// scenario classes run in two JVMs at once: the lock keeps one from rewriting the table with a list of
			// rows taken before the other's row was written
			try (FileChannel lock = FileChannel.open(rows.resolve(".lock"), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE); FileLock held = lock.lock()) {
				writeTable(output, rows, number, row);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void writeTable(Path output, Path rows, int number, String row) throws IOException {
		Files.writeString(rows.resolve(number + ".row"), row + "\n", StandardCharsets.UTF_8);
		List<String> lines;
		try (Stream<Path> files = Files.list(rows)) {
			lines = files.filter((file) -> file.getFileName().toString().endsWith(".row"))
				.sorted()
				.map(Guarantees::read)
				.toList();
		}
		StringBuilder table = new StringBuilder();
		table.append("# Guarantees measured by queue-it\n\n");
		table.append("Run on ").append(LocalDate.now()).append(", ")
			.append(Runtime.getRuntime().availableProcessors()).append(" CPU(s), Java ")
			.append(System.getProperty("java.version")).append(", ").append(ItSupport.redisDescription())
			.append(". Reproduce all with `").append(COMMAND).append("`.\n\n");
		table.append("| # | scenario | jobs | lost | duplicated | recovery time | reproduce |\n");
		table.append("| --- | --- | --- | --- | --- | --- | --- |\n");
		lines.forEach((line) -> table.append(line.strip()).append('\n'));
		Files.writeString(output.resolve("guarantees.md"), table.toString(), StandardCharsets.UTF_8);
	}

	private static String read(Path file) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
