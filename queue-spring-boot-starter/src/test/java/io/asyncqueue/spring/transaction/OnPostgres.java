package io.asyncqueue.spring.transaction;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.asyncqueue.test.EmbeddedPostgres;

import org.springframework.test.context.TestPropertySource;

/**
 * Runs a transaction test class on a database of its own on a real PostgreSQL, whose outbox table the
 * starter creates as a PostgreSQL application would ask it to ({@code initialize-schema: always}; the
 * default, {@code embedded}, leaves a server database alone).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@EmbeddedPostgres
@TestPropertySource(properties = "async-queue.outbox.initialize-schema=always")
@interface OnPostgres {

}
