package dev.ordo.security;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Arrays;
import java.util.stream.Stream;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.AntPathMatcher;

/**
 * The OpenAPI document's title and its admin token: every operation that needs the token says so,
 * so the Swagger UI offers an "Authorize" button for it and sends it. The reseller and supplier
 * endpoints are signed per request instead (docs/channel-api.md), and the public ones need nothing.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

    static final String ADMIN_TOKEN = "admin-token";

    @Bean
    OpenAPI ordoOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Ordo API")
                        .version("1")
                        .description("Order management: the wallet (seed 003), the reseller API (seed 000, signed"
                                + " per request: see docs/channel-api.md) and the admin API (bearer token)."))
                .components(new Components()
                        .addSecuritySchemes(
                                ADMIN_TOKEN,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("the admin token (ordo.security.admin-token, or"
                                                + " data/admin-token of a demo start)")));
    }

    @Bean
    OpenApiCustomizer adminOperationsNeedTheToken() {
        AntPathMatcher paths = new AntPathMatcher();
        String[] open = Stream.concat(
                        Arrays.stream(SecurityConfiguration.PUBLIC), Arrays.stream(SecurityConfiguration.SIGNED))
                .toArray(String[]::new);
        return api -> {
            if (api.getPaths() == null) {
                return;
            }
            api.getPaths().forEach((path, item) -> {
                if (Arrays.stream(open).noneMatch(pattern -> paths.match(pattern, path))) {
                    item.readOperations()
                            .forEach(operation ->
                                    operation.addSecurityItem(new SecurityRequirement().addList(ADMIN_TOKEN)));
                }
            });
        };
    }
}
