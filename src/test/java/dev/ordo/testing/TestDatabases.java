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
        Map<String, Object> arguments = new HashMap<>(properties());
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
            case "postgresql" -> {
                String server = env("ORDO_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/");
                String user = env("ORDO_TEST_POSTGRES_USER", "postgres");
                recreate(
                        server + "test",
                        user,
                        "",
                        "drop database if exists " + DATABASE + " with (force)",
                        "create database " + DATABASE);
                p.put("spring.datasource.url", server + DATABASE + "?reWriteBatchedInserts=true");
                p.put("spring.datasource.username", user);
                p.put("spring.datasource.password", "");
            }
            case "mariadb" -> {
                String server = env("ORDO_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/");
                String user = env("ORDO_TEST_MARIADB_USER", "root");
                recreate(
                        server + "test",
                        user,
                        "",
                        "drop database if exists " + DATABASE,
                        "create database " + DATABASE + " character set utf8mb4 collate utf8mb4_bin");
                p.put("spring.datasource.url", server + DATABASE);
                p.put("spring.datasource.username", user);
                p.put("spring.datasource.password", "");
            }
            default -> throw new IllegalArgumentException("ordo.test.db must be h2, postgresql or mariadb: " + db);
        }
        return Map.copyOf(p);
    }

    private static void recreate(String url, String user, String password, String drop, String create) {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute(drop);
            statement.execute(create);
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
