package dev.ordo.shared.internal;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.ordo.shared.Dialect;
import dev.ordo.shared.Ids;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import java.time.Clock;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class SharedConfiguration {

    /**
     * Ticks in milliseconds, what every database here stores ({@code timestamp(3)}): an answer made
     * from a time the database then rounds would differ from the same record read back (a repeat's
     * answer, a query) — at 59.9996 s, by a whole second in the seed's time format.
     */
    @Bean
    @ConditionalOnMissingBean
    Clock clock(@Value("${ordo.time-zone:}") String zone) {
        return Clock.tickMillis(zone.isBlank() ? ZoneId.systemDefault() : ZoneId.of(zone));
    }

    @Bean
    static DatabaseSessions databaseSessions() {
        return new DatabaseSessions();
    }

    @Bean
    Dialect dialect(DataSource dataSource) {
        return Dialect.of(dataSource);
    }

    @Bean
    Ids ids(DataSource dataSource, @Value("${ordo.ids.block-size:1000}") int blockSize) {
        return new BlockIds(dataSource, blockSize);
    }

    /**
     * Replaces Spring Boot's JSON converter, in its place in the list and with its mapper: answers carry
     * their length ({@link SizedJsonConverter}). Runs after Boot's own configurer, which is ordered first.
     */
    @Bean
    WebMvcConfigurer sizedJsonAnswers(JsonMapper mapper) {
        return new WebMvcConfigurer() {
            @Override
            public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
                builder.withJsonConverter(new SizedJsonConverter(mapper));
            }
        };
    }

    /**
     * Tomcat's own error answers (a request refused before it reached Ordo) as problem details:
     * {@link ContainerErrorValve} takes the place of the host's error report valve — Boot's, added
     * to the host by its own customizer, which runs before this one, and Tomcat's default, which
     * the host adds at start unless a valve of the class it names is there.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemDetailsFromTomcat() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                for (Valve valve : host.getPipeline().getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        host.getPipeline().removeValve(valve);
                    }
                }
                host.setErrorReportValveClass(ContainerErrorValve.class.getName());
                host.getPipeline().addValve(new ContainerErrorValve());
            }
        });
    }

    /**
     * The OpenAPI document's schemas with the answers' own property names: swagger-core reads the
     * models with its own (Jackson 2) mapper, which knows nothing of
     * {@code spring.jackson.property-naming-strategy}, and would document {@code orderId} for the
     * {@code order_id} every answer carries.
     */
    @Bean
    ModelResolver snakeCaseSchemas() {
        return new ModelResolver(Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    }

    /**
     * One set of migrations for every database: the few types that differ are Flyway placeholders,
     * filled in here from the database Flyway migrates.
     */
    @Bean
    FlywayConfigurationCustomizer dialectPlaceholders(Dialect dialect) {
        return configuration -> {
            Map<String, String> placeholders = new HashMap<>(configuration.getPlaceholders());
            placeholders.putAll(placeholdersFor(dialect));
            configuration.placeholders(placeholders);
        };
    }

    static Map<String, String> placeholdersFor(Dialect dialect) {
        return switch (dialect) {
            case H2 ->
                Map.of(
                        "ts", "timestamp(3)",
                        "tstz", "timestamp(6) with time zone",
                        "blob", "blob",
                        "text", "varchar(1000000)",
                        "regexp", "regexp",
                        "table_options", "");
            case POSTGRESQL ->
                Map.of(
                        "ts", "timestamp(3)",
                        "tstz", "timestamp(6) with time zone",
                        "blob", "bytea",
                        "text", "text",
                        "regexp", "~",
                        "table_options", "");
            case MYSQL ->
                Map.of(
                        "ts", "datetime(3)",
                        "tstz", "datetime(6)",
                        "blob", "mediumblob",
                        "text", "mediumtext",
                        "regexp", "regexp",
                        "table_options", " engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin");
        };
    }
}
