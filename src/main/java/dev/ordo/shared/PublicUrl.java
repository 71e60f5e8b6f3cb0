package dev.ordo.shared;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * How others reach this node: {@code ordo.public-url} when set (behind a proxy, several nodes),
 * otherwise {@code http://127.0.0.1:<the port the server listens on>}.
 */
@Component
public class PublicUrl {

    private final Environment environment;

    PublicUrl(Environment environment) {
        this.environment = environment;
    }

    public String get() {
        String configured = environment.getProperty("ordo.public-url");
        if (configured != null && !configured.isBlank()) {
            return configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
        }
        String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8600"));
        return "http://127.0.0.1:" + port;
    }
}
