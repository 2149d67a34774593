package io.asyncqueue.test;

import java.lang.annotation.Documented;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import static java.lang.annotation.ElementType.ANNOTATION_TYPE;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * Gives a JUnit 5 test class an empty database of its own on a real, private PostgreSQL.
 *
 * <pre>{@code
 * @EmbeddedPostgres
 * class OrderRepositoryTest {
 *   @Test
 *   void saves(PostgresDatabase database) throws SQLException {
 *     try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.username(), "")) {
 *       ...
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>All classes of a test JVM share one {@link PostgresServer}, started on first use and stopped when the
 * test run ends; each annotated class gets a new database on it, created before the class runs and left
 * in place until the server stops. Before the class runs, the system properties
 * {@code spring.datasource.url} and {@code spring.datasource.username} are set to that database (and
 * restored afterwards), so a {@code @SpringBootTest} with this annotation uses it, provided the test's own
 * properties do not set them. {@link PostgresDatabase} and {@link PostgresServer} parameters of a
 * constructor, lifecycle method or test method are injected. {@code @Nested} classes use their enclosing
 * class's database.
 *
 * <p>Without PostgreSQL installed the class is skipped, with a message naming the package to install;
 * when the environment variable {@code CI} is {@code true}, it fails instead, so that a CI machine
 * missing PostgreSQL cannot pass by running nothing.
 *
 * @since 0.2.0
 * @see PostgresExtension
 */
@Target({ TYPE, ANNOTATION_TYPE })
@Retention(RUNTIME)
@Documented
@Inherited
@ExtendWith(PostgresExtension.class)
public @interface EmbeddedPostgres {

}
