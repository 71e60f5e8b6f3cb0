package dev.ordo.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * A test that runs the whole service on a real database and talks to it over real HTTP. Tagged
 * {@code db}: the build runs it on H2, then again on PostgreSQL and on MariaDB (SPEC K2); which
 * one is chosen by the system property {@code ordo.test.db}. Every such test shares one Spring
 * context per database, so keep their configuration identical.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("db")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TestDatabases.class)
@Import(TestJobs.class)
@ActiveProfiles("test")
public @interface DatabaseTest {}
