package dev.ordo.testing;

import dev.ordo.OrdoApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points the service under test at the database named by {@code ordo.test.db} ({@code h2},
 * {@code postgresql} or {@code mariadb}). Server databases get a fresh {@code ordo_it} database
 * once per test run, so the migrations run from scratch every time. Servers default to
 * 127.0.0.1 and can be moved with {@code ORDO_TEST_POSTGRES_URL} / {@code ORDO_TEST_MARIADB_URL}.
 */
public final class TestDatabases implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";
    private static final String DATABASE = "ordo_it";
    private static Map<String, Object> properties;

    public static String current() {
        return System.getProperty("ordo.test.db", "h2");
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("ordo-test-db", properties()));
    }

    /**
     * Starts another node of Ordo on this run's database, on a random port, named {@code nodeName};
     * the caller closes it. The database properties go in as arguments: they must win over
     * application.properties, as the initializer's do for the test's own node.
     */
    public static ConfigurableApplicationContext secondNode(String nodeName) {
        return secondNode(nodeName, Map.of());
    }

    /** A second node with some properties of its own. */
    public static ConfigurableApplicationContext secondNode(String nodeName, Map<String, String> own) {
        Map<String, Object> arguments = new HashMap<>(properties());
        arguments.putAll(own);
        arguments.put("server.port", "0");
        arguments.put("ordo.node-name", nodeName);
        return new SpringApplicationBuilder(OrdoApplication.class, TestJobs.class)
                .profiles("test")
                .run(arguments.entrySet().stream()
                        .map(entry -> "--" + entry.getKey() + "=" + entry.getValue())
                        .toArray(String[]::new));
    }

    /** The same properties for every context of this run (a second node in a test reuses them). */
    public static synchronized Map<String, Object> properties() {
        if (properties == null) {
            properties = prepare(current());
        }
        return properties;
    }

    private static Map<String, Object> prepare(String db) {
        Map<String, Object> p = new HashMap<>();
        Path dataDir =
                Path.of("target", "test-data", UUID.randomUUID().toString()).toAbsolutePath();
        try {
            Files.createDirectories(dataDir);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        p.put("ordo.data-dir", dataDir.toString());
        p.put("ordo.security.admin-token", ADMIN_TOKEN);
        switch (db) {
            case "h2" -> {
                // Embedded file mode, as the default start; the data dir's URL comes from application.properties.
            }
            case "postgresql", "mariadb" -> {
                String url = scratch(DATABASE);
                p.put("spring.datasource.url", db.equals("postgresql") ? url + "?reWriteBatchedInserts=true" : url);
                p.put("spring.datasource.username", user());
                p.put("spring.datasource.password", "");
            }
            default -> throw new IllegalArgumentException("ordo.test.db must be h2, postgresql or mariadb: " + db);
        }
        return Map.copyOf(p);
    }

    /**
     * A database of its own for a test that migrates one itself, created empty on this run's server
     * (in memory for H2): its JDBC URL; {@link #user()} connects, {@link #dropScratch} removes it.
     */
    public static String scratch(String name) {
        return switch (current()) {
            case "postgresql" -> {
                String server = env("ORDO_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/");
                recreate(
                        server + "test",
                        user(),
                        "",
                        "drop database if exists " + name + " with (force)",
                        "create database " + name);
                yield server + name;
            }
            case "mariadb" -> {
                String server = env("ORDO_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/");
                recreate(
                        server + "test",
                        user(),
                        "",
                        "drop database if exists " + name,
                        "create database " + name + " character set utf8mb4 collate utf8mb4_bin");
                yield server + name;
            }
            default -> "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
        };
    }

    /** Removes a database made by {@link #scratch}. */
    public static void dropScratch(String name) {
        switch (current()) {
            case "postgresql" ->
                recreate(
                        env("ORDO_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/") + "test",
                        user(),
                        "",
                        "drop database if exists " + name + " with (force)");
            case "mariadb" ->
                recreate(
                        env("ORDO_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/") + "test",
                        user(),
                        "",
                        "drop database if exists " + name);
            default -> recreate("jdbc:h2:mem:" + name, user(), "", "shutdown");
        }
    }

    /** The user of this run's database server. */
    public static String user() {
        return switch (current()) {
            case "postgresql" -> env("ORDO_TEST_POSTGRES_USER", "postgres");
            case "mariadb" -> env("ORDO_TEST_MARIADB_USER", "root");
            default -> "sa";
        };
    }

    private static void recreate(String url, String user, String password, String... statements) {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot prepare the test database at " + url + " (is the server running? .ci/run starts it): "
                            + e.getMessage(),
                    e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
