package dev.ordo.shared;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * How others reach this node: {@code ordo.public-url} when set (behind a proxy, several nodes),
 * otherwise {@code http://127.0.0.1:<the port the server listens on>}. Resolved once the server
 * listens (every supplier call asks for it, and the environment's property sources are slow to
 * search).
 */
@Component
public class PublicUrl {

    private final Environment environment;
    private volatile String resolved;

    PublicUrl(Environment environment) {
        this.environment = environment;
    }

    public String get() {
        String url = resolved;
        if (url != null) {
            return url;
        }
        String configured = environment.getProperty("ordo.public-url");
        if (configured != null && !configured.isBlank()) {
            url = configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
            resolved = url;
            return url;
        }
        String listening = environment.getProperty("local.server.port");
        url = "http://127.0.0.1:" + (listening != null ? listening : environment.getProperty("server.port", "8600"));
        if (listening != null) {
            resolved = url;
        }
        return url;
    }
}
