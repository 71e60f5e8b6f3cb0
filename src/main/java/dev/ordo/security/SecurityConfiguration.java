package dev.ordo.security;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** Reachable without a token: liveness for orchestrators, the API documentation, error pages. */
    static final String[] PUBLIC = {
        "/actuator/health",
        "/actuator/health/**",
        "/v3/api-docs",
        "/v3/api-docs/**",
        "/v3/api-docs.yaml",
        "/swagger-ui.html",
        "/swagger-ui/**",
        "/error",
        "/favicon.ico"
    };

    /**
     * Suppliers authenticate their callbacks by signature; the bundled mock supplier is a supplier,
     * whose calls are signed too ({@code /stats} and {@code /reset} are not: they need the token).
     */
    static final String[] SUPPLIERS = {
        "/supplier/notify/**",
        "/mock/supplier/submit",
        "/mock/supplier/submit-batch",
        "/mock/supplier/query",
        "/mock/supplier/return"
    };

    /** Signed per request instead of the admin token: the reseller API and the suppliers' endpoints. */
    static final String[] SIGNED = Stream.concat(Arrays.stream(ChannelEndpoints.PATHS), Arrays.stream(SUPPLIERS))
            .toArray(String[]::new);

    /** Under {@code prod}: active, or, with none active, default (SPRING_PROFILES_DEFAULT=prod loads its settings too). */
    static boolean production(Environment environment) {
        return environment.matchesProfiles("prod");
    }

    @Bean
    AdminToken adminToken(
            @Value("${ordo.security.admin-token:}") String configured,
            @Value("${ordo.data-dir:./data}") String dataDir,
            Environment environment) {
        AdminToken.Resolved resolved = AdminToken.resolve(configured, production(environment), Path.of(dataDir));
        if (resolved.textToShow() != null) {
            // Shown on the console once, never through the logger: log shipping must not carry it.
            System.out.println();
            System.out.println(
                    "  Ordo admin token (generated, kept in " + Path.of(dataDir).resolve("admin-token") + "):");
            System.out.println("    " + resolved.textToShow());
            System.out.println("  Use it as: Authorization: Bearer <token>");
            System.out.println();
        } else if (resolved.token().origin() == AdminToken.Origin.STORED) {
            System.out.println();
            System.out.println("  Ordo admin token: the one generated on the first start, kept in "
                    + Path.of(dataDir).resolve("admin-token"));
            System.out.println();
        }
        return resolved.token();
    }

    /**
     * Spring Security would time every filter and every authorization decision of every request as
     * Micrometer observations: a quarter of the CPU of a wallet request, and nothing an operator
     * needs beyond the HTTP request metrics, which stay.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * The reseller API and the supplier endpoints authenticate each request by its signature, in
     * their own code (see docs/channel-api.md): Spring Security has nothing to decide there, so their
     * requests skip its filter chain — which cost about a tenth of the JVM's CPU per
     * {@code /order/request} (its filters and the response wrappers of its header writer). Its
     * firewall still checks them. (Spring Security warns at start-up about ignored paths;
     * {@code logging.level.org.springframework.security.config.annotation.web.builders.WebSecurity}
     * is set to {@code ERROR} for that.)
     */
    @Bean
    WebSecurityCustomizer signedEndpointsSkipTheFilterChain() {
        return web -> web.ignoring().requestMatchers(SIGNED);
    }

    /**
     * A request Spring Security's firewall refuses (an unknown method, {@code //}, {@code ;} or an
     * encoded slash in the path, ...) — the signed endpoints' included — is a 400 that says why, in
     * the firewall's words, instead of a bare "bad parameter".
     */
    @Bean
    RequestRejectedHandler requestRejectedHandler(JsonMapper json) {
        ProblemResponses problems = new ProblemResponses(json);
        return (request, response, e) -> problems.badRequest(request, response, e.getMessage());
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, AdminToken token, JsonMapper json) {
        ProblemResponses problems = new ProblemResponses(json);
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                // Stateless bearer tokens: no request wrapper for the servlet security API, no
                // anonymous token per request (an absent authentication is refused just the same).
                .servletApi(servletApi -> servletApi.disable())
                .anonymous(anonymous -> anonymous.disable())
                .addFilterBefore(new AdminTokenFilter(token, problems), AuthorizationFilter.class)
                .authorizeHttpRequests(authorize -> authorize
                        .requestMatchers(PUBLIC)
                        .permitAll()
                        .requestMatchers(ChannelEndpoints.NAMESPACES)
                        .permitAll()
                        .anyRequest()
                        .hasRole("ADMIN"))
                .exceptionHandling(
                        errors -> errors.authenticationEntryPoint((request, response, e) -> problems.unauthorized(
                                        request, response, "this endpoint needs Authorization: Bearer <admin token>"))
                                .accessDeniedHandler((request, response, e) ->
                                        problems.forbidden(request, response, "not allowed")));
        return http.build();
    }
}
