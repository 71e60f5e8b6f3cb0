package dev.ordo.shared.internal;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code ordo.data-dir} as an absolute path, whatever way it was given: H2 refuses a file database
 * whose path is relative but for a leading {@code ./} ({@code data2/ordo}: error 90011), and the
 * embedded database's URL is built from it. Runs once the configuration files are read.
 */
public final class DataDirectory implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY = "ordo.data-dir";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String given = environment.getProperty(PROPERTY);
        if (given == null || given.isBlank()) {
            return;
        }
        String path = given.strip();
        // H2 reads a leading ~ as the home directory; so does Ordo, or a data dir of ~/ordo would move.
        if (path.equals("~") || path.startsWith("~/")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        String absolute = Path.of(path).toAbsolutePath().normalize().toString();
        if (!absolute.equals(given)) {
            environment
                    .getPropertySources()
                    .addFirst(new MapPropertySource("ordo-data-dir", Map.of(PROPERTY, absolute)));
        }
    }

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }
}
