package io.asyncqueue.spring.readme;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code ```java} block of the project's READMEs compiles against this module's test classpath, so
 * that none can drift from the API. Each block is one compilation unit of its own package:
 * <ul>
 * <li>a block that declares types (a line starting with {@code class}, {@code record}, an annotation
 * ...) is compiled as a file, its own {@code import} lines first;</li>
 * <li>any other block is a run of statements, compiled as the body of a method of a class that extends
 * {@link #CONTEXT the README's context}: fields {@code queue} (a {@code QueueTemplate}), {@code client} (a
 * {@code QueueClient}), {@code order}, {@code orders}, {@code orderService};</li>
 * <li>a {@code <!-- readme-java: members -->} comment on the line before a block makes it the body of a
 * class (fields and methods), {@code <!-- readme-java: skip -->} leaves it out (say why next to it).</li>
 * </ul>
 * The types the READMEs use without declaring them ({@code CreateOrder}, {@code CreateOrderJob},
 * {@code OrderRepository}, {@code OrderService}) come from {@link #WORLD}; a block that declares one of them
 * uses its own. The usual packages are imported for every block: {@code java.time}, {@code java.util},
 * {@code java.util.concurrent}, {@code io.asyncqueue.core}, {@code io.asyncqueue.core.redis},
 * {@code io.asyncqueue.spring}, {@code io.asyncqueue.spring.event}, {@code io.asyncqueue.test}, Spring's stereotypes,
 * and the few JUnit, Spring test, Lettuce and JDBC types queue-test's README uses.
 */
class ReadmeCodeBlocksTests {

	static final List<String> READMES = List.of("README.md", "queue-core/README.md",
			"queue-spring-boot-starter/README.md", "sample-app/README.md", "queue-cli/README.md", "queue-test/README.md");

	private static final Pattern MARKER = Pattern.compile("<!--\\s*readme-java:\\s*([a-z]+).*-->");

	private static final Pattern DECLARATION = Pattern
		.compile("(?m)^(@[A-Za-z]|(public |final |abstract |sealed )*(class|record|interface|enum) )");

	private static final String IMPORTS = """
			import java.time.*;
			import java.util.*;
			import java.util.concurrent.*;
			import io.asyncqueue.core.*;
			import io.asyncqueue.core.redis.*;
			import io.asyncqueue.spring.*;
			import io.asyncqueue.spring.event.*;
			import org.springframework.context.event.EventListener;
			import org.springframework.stereotype.*;
			import io.asyncqueue.test.*;
			import io.lettuce.core.RedisClient;
			import io.lettuce.core.RedisURI;
			import io.lettuce.core.cluster.RedisClusterClient;
			import java.sql.Connection;
			import java.sql.DriverManager;
			import java.sql.SQLException;
			import org.junit.jupiter.api.Test;
			import org.springframework.beans.factory.annotation.Autowired;
			import org.springframework.boot.test.context.SpringBootTest;
			import org.springframework.data.redis.core.StringRedisTemplate;
			import org.springframework.test.context.DynamicPropertyRegistry;
			import org.springframework.test.context.DynamicPropertySource;
			import readme.world.*;
			""";

	/** The types the READMEs use without declaring them. */
	static final String WORLD = """
			package readme.world;

			import java.util.List;

			import io.asyncqueue.core.JobContext;
			import io.asyncqueue.spring.Job;
			import io.asyncqueue.spring.QueueJob;

			public class World {
				public record CreateOrder(String user, long item) {}

				@QueueJob(queue = "orders")
				public static class CreateOrderJob implements Job<CreateOrder> {
					@Override
					public void handle(CreateOrder order, JobContext context) {
					}
				}

				// Object: a block may declare its own CreateOrder
				public interface OrderRepository {
					void createOnce(String id, Object order);
				}

				public interface OrderService {
					void create(Object order, String id);
				}
			}
			""";

	/** What a block of statements may use. */
	static final String CONTEXT = """
			package readme.world;

			import java.util.List;

			import io.asyncqueue.core.QueueClient;
			import io.asyncqueue.spring.QueueTemplate;
			import readme.world.World.*;

			public abstract class Context {
				protected QueueTemplate queue;
				protected QueueClient client;
				protected CreateOrder order;
				protected List<CreateOrder> orders;
				protected OrderService orderService;
			}
			""";

	@Test
	void everyJavaBlockCompiles(@TempDir Path classes) throws IOException {
		Path root = projectRoot();
		List<Block> blocks = new ArrayList<>();
		for (String readme : READMES) {
			blocks.addAll(blocks(readme, Files.readAllLines(root.resolve(readme))));
		}
		assertThat(blocks).as("java blocks found in %s", READMES).isNotEmpty();
		List<JavaFileObject> sources = new ArrayList<>();
		sources.add(source("readme/world/World.java", WORLD));
		sources.add(source("readme/world/Context.java", CONTEXT));
		for (Block block : blocks) {
			sources.add(block.source());
		}
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
		try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
			List<String> options = List.of("-proc:none", "-Xlint:none", "-d", classes.toString(), "-classpath",
					System.getProperty("java.class.path"));
			compiler.getTask(null, files, diagnostics, options, null, sources).call();
		}
		List<String> errors = new ArrayList<>();
		for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
			if (diagnostic.getKind() == Diagnostic.Kind.ERROR) {
				errors.add(describe(diagnostic, blocks));
			}
		}
		assertThat(errors).as("README code blocks that do not compile").isEmpty();
	}

	private static String describe(Diagnostic<? extends JavaFileObject> diagnostic, List<Block> blocks) {
		String message = diagnostic.getMessage(Locale.ROOT).replace('\n', ' ');
		for (Block block : blocks) {
			if (block.file == diagnostic.getSource()) {
				long line = block.firstLine + diagnostic.getLineNumber() - block.headerLines - 1;
				return block.readme + ":" + line + " (the ```java block opened at line " + (block.firstLine - 1) + ", as "
						+ block.kind + "): " + message;
			}
		}
		return String.valueOf(diagnostic.getSource()) + ":" + diagnostic.getLineNumber() + ": " + message;
	}

	static List<Block> blocks(String readme, List<String> lines) {
		List<Block> blocks = new ArrayList<>();
		for (int i = 0; i < lines.size(); i++) {
			if (!lines.get(i).strip().equals("```java")) {
				continue;
			}
			String indent = lines.get(i).substring(0, lines.get(i).indexOf('`'));
			Matcher marker = (i > 0) ? MARKER.matcher(lines.get(i - 1)) : null;
			String kind = (marker != null && marker.find()) ? marker.group(1) : null;
			StringBuilder code = new StringBuilder();
			int first = i + 2;
			for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
				String line = lines.get(i);
				code.append(line.startsWith(indent) ? line.substring(indent.length()) : line).append('\n');
			}
			if (kind == null) {
				kind = DECLARATION.matcher(code).find() ? "declarations" : "statements";
			}
			if (!kind.equals("skip")) {
				blocks.add(new Block(readme, first, kind, code.toString(), blocks.size()));
			}
		}
		return blocks;
	}

	private static Path projectRoot() {
		Path directory = Path.of("").toAbsolutePath();
		while (directory != null && !Files.exists(directory.resolve("mvnw"))) {
			directory = directory.getParent();
		}
		assertThat(directory).as("the project's root, where mvnw is").isNotNull();
		return directory;
	}

	private static JavaFileObject source(String path, String code) {
		return new SimpleJavaFileObject(URI.create("string:///" + path), JavaFileObject.Kind.SOURCE) {
			@Override
			public CharSequence getCharContent(boolean ignoreEncodingErrors) {
				return code;
			}
		};
	}

	/** One block, and the source it is compiled as. */
	static final class Block {

		final String readme;

		final int firstLine;

		final String kind;

		final JavaFileObject file;

		final int headerLines;

		Block(String readme, int firstLine, String kind, String code, int index) {
			this.readme = readme;
			this.firstLine = firstLine;
			this.kind = kind;
			String packageName = "readme.b" + index + "_" + readme.replaceAll("[^A-Za-z0-9]", "_");
			StringBuilder header = new StringBuilder("package " + packageName + ";\n");
			String body = code;
			String footer = "";
			if (kind.equals("declarations")) {
				// the block's own imports go first, as the reader sees them
				StringBuilder imports = new StringBuilder();
				List<String> lines = new ArrayList<>(code.lines().toList());
				while (!lines.isEmpty() && (lines.get(0).startsWith("import ") || lines.get(0).isBlank())) {
					imports.append(lines.remove(0)).append('\n');
				}
				header.append(imports).append(IMPORTS).append("import readme.world.World.*;\n");
				body = String.join("\n", lines) + "\n";
				int skipped = (int) imports.chars().filter((c) -> c == '\n').count();
				this.headerLines = (int) header.chars().filter((c) -> c == '\n').count() - skipped;
			}
			else {
				header.append(IMPORTS).append("import readme.world.World.*;\n");
				header.append("class Block extends Context {\n");
				if (kind.equals("statements")) {
					header.append("void run() throws Exception {\n");
					footer = "}\n";
				}
				footer += "}\n";
				this.headerLines = (int) header.chars().filter((c) -> c == '\n').count();
			}
			this.file = ReadmeCodeBlocksTests.source(packageName.replace('.', '/') + "/Block.java", header + body + footer);
		}

		JavaFileObject source() {
			return this.file;
		}

	}

}
