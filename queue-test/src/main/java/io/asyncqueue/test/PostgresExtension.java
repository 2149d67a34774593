package io.asyncqueue.test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;

/**
 * The JUnit 5 extension behind {@link EmbeddedPostgres @EmbeddedPostgres}: one {@link PostgresServer} per
 * test JVM, a new {@link PostgresDatabase} on it per annotated test class, {@code spring.datasource.url}
 * and {@code spring.datasource.username} set while the class runs.
 *
 * @since 0.2.0
 */
public final class PostgresExtension extends ClassScopedSetupExtension<EmbeddedPostgres, PostgresDatabase> {

	private static final AtomicInteger DATABASES = new AtomicInteger();

	private static PostgresServer shared;

	/** Creates the extension; JUnit does this. */
	public PostgresExtension() {
		super(EmbeddedPostgres.class, PostgresDatabase.class);
	}

	/**
	 * The JVM-wide shared server, the one {@code @EmbeddedPostgres} classes use; started on the first call
	 * and stopped when the JVM exits (or, in a JUnit run, when the run ends).
	 * @return the running shared server
	 * @throws IllegalStateException when PostgreSQL is not installed or does not start
	 */
	public static synchronized PostgresServer sharedServer() {
		if (shared == null || shared.isClosed()) {
			shared = PostgresServer.start();
		}
		return shared;
	}

	@Override
	public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
		requireSharedServer(context);
		super.preConstructTestInstance(factoryContext, context);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		requireSharedServer(context);
		super.beforeAll(context);
	}

	private static void requireSharedServer(ExtensionContext context) {
		requireInstalled();
		// an AutoCloseable in the root store: JUnit stops the server when the run ends
		context.getRoot()
			.getStore(ExtensionContext.Namespace.create(PostgresExtension.class))
			.computeIfAbsent("shared-server", (key) -> sharedServer(), PostgresServer.class);
	}

	@Override
	PostgresDatabase start(EmbeddedPostgres settings) {
		return sharedServer().createDatabase("test_" + DATABASES.incrementAndGet());
	}

	@Override
	Map<String, String> springProperties(PostgresDatabase database) {
		return Map.of("spring.datasource.url", database.jdbcUrl(), "spring.datasource.username", database.username());
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == PostgresServer.class
				|| super.supportsParameter(parameterContext, extensionContext);
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return (parameterContext.getParameter().getType() == PostgresServer.class) ? sharedServer()
				: super.resolveParameter(parameterContext, extensionContext);
	}

	/** Skip the class without PostgreSQL, but fail it on CI, where a skip would pass unseen. */
	static void requireInstalled() {
		requireInstalled(PostgresServer.programs().isPresent(), System.getenv("CI"));
	}

	static void requireInstalled(boolean installed, String ci) {
		if (!installed) {
			String missing = PostgresServer.notInstalled();
			if ("true".equals(ci)) {
				Assertions.fail(missing + " (CI=true: PostgreSQL tests never skip on CI)");
			}
			Assumptions.abort(missing);
		}
	}

}
