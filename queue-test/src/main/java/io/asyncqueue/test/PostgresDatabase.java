package io.asyncqueue.test;

/**
 * A database of a {@link PostgresServer}, as {@link PostgresServer#createDatabase(String)} made it.
 *
 * @param name the database's name
 * @param jdbcUrl its JDBC URL, {@code jdbc:postgresql://127.0.0.1:<port>/<name>}
 * @param username the user to connect as, without a password
 * @since 0.2.0
 */
public record PostgresDatabase(String name, String jdbcUrl, String username) {
}
