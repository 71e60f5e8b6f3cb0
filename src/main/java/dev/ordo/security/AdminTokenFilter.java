package dev.ordo.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>} as the admin. A request without the header
 * continues anonymously (and is refused later where the admin is required); a wrong token is
 * refused at once.
 */
class AdminTokenFilter extends OncePerRequestFilter {

    private static final String PREFIX = "Bearer ";
    private static final List<SimpleGrantedAuthority> ADMIN = List.of(new SimpleGrantedAuthority("ROLE_ADMIN"));

    private final AdminToken token;
    private final ProblemResponses problems;

    AdminTokenFilter(AdminToken token, ProblemResponses problems) {
        this.token = token;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null) {
            chain.doFilter(request, response);
            return;
        }
        if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                || !token.matches(header.substring(PREFIX.length()).strip())) {
            problems.unauthorized(request, response, "the bearer token is not valid");
            return;
        }
        var authentication = UsernamePasswordAuthenticationToken.authenticated("admin", null, ADMIN);
        SecurityContextHolder.setContext(new SecurityContextImpl(authentication));
        try {
            chain.doFilter(new AdminRequest(request, authentication), response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    /**
     * The admin as the servlet API sees it. Spring Security's own request wrapper is off (see
     * {@link SecurityConfiguration}); Actuator asks the servlet API whether the caller may see the
     * health details ({@code management.endpoint.health.roles=ADMIN}).
     */
    private static final class AdminRequest extends HttpServletRequestWrapper {

        private final Principal admin;

        AdminRequest(HttpServletRequest request, Principal admin) {
            super(request);
            this.admin = admin;
        }

        @Override
        public Principal getUserPrincipal() {
            return admin;
        }

        @Override
        public String getRemoteUser() {
            return admin.getName();
        }

        @Override
        public boolean isUserInRole(String role) {
            return "ADMIN".equals(role) || "ROLE_ADMIN".equals(role);
        }
    }
}
