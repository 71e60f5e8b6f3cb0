package dev.ordo.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

/** SPEC K6 (admin part): where the admin token comes from, and how it is compared. */
class AdminTokenTest {

    @TempDir
    Path dataDir;

    @Test
    void a_configured_token_is_used_as_is_and_nothing_is_stored() {
        AdminToken.Resolved resolved = AdminToken.resolve("configured-token-123456", false, dataDir);
        assertThat(resolved.token().origin()).isEqualTo(AdminToken.Origin.CONFIGURED);
        assertThat(resolved.textToShow()).isNull();
        assertThat(resolved.token().matches("configured-token-123456")).isTrue();
        assertThat(dataDir.resolve("admin-token")).doesNotExist();
    }

    @Test
    void only_the_exact_token_matches() {
        AdminToken token =
                AdminToken.resolve("configured-token-123456", false, dataDir).token();
        assertThat(token.matches("configured-token-12345")).isFalse();
        assertThat(token.matches("configured-token-1234567")).isFalse();
        assertThat(token.matches("CONFIGURED-TOKEN-123456")).isFalse();
        assertThat(token.matches("")).isFalse();
        assertThat(token.matches(null)).isFalse();
    }

    @Test
    void a_configured_token_is_taken_without_the_spaces_and_line_break_around_it() {
        AdminToken token = AdminToken.resolve("  configured-token-123456\n", false, dataDir)
                .token();
        assertThat(token.matches("configured-token-123456")).isTrue();
        assertThatThrownBy(() -> AdminToken.resolve("short" + " ".repeat(20) + "\n", false, dataDir))
                .as("spaces do not make a short token long enough")
                .hasMessageContaining("at least 16 characters");
    }

    @Test
    void a_short_configured_token_refuses_to_start() {
        assertThatThrownBy(() -> AdminToken.resolve("short", false, dataDir))
                .hasMessageContaining("at least 16 characters");
    }

    @Test
    void the_prod_profile_counts_whether_active_or_the_default_one() {
        MockEnvironment active = new MockEnvironment();
        active.setActiveProfiles("prod");
        MockEnvironment byDefault = new MockEnvironment();
        byDefault.setDefaultProfiles("prod");
        MockEnvironment other = new MockEnvironment();
        other.setActiveProfiles("test");
        other.setDefaultProfiles("prod");

        assertThat(SecurityConfiguration.production(active)).isTrue();
        assertThat(SecurityConfiguration.production(byDefault)).isTrue();
        assertThat(SecurityConfiguration.production(other))
                .as("a default applies only with none active")
                .isFalse();
        assertThat(SecurityConfiguration.production(new MockEnvironment())).isFalse();
    }

    @Test
    void the_prod_profile_refuses_to_start_without_a_token() {
        assertThatThrownBy(() -> AdminToken.resolve("", true, dataDir))
                .hasMessageContaining("prod profile needs an admin token");
        assertThat(dataDir.resolve("admin-token")).doesNotExist();
    }

    @Test
    void without_a_token_the_demo_generates_one_shows_it_once_keeps_it_private_and_reuses_it() throws Exception {
        AdminToken.Resolved first = AdminToken.resolve(null, false, dataDir);
        assertThat(first.token().origin()).isEqualTo(AdminToken.Origin.GENERATED);
        assertThat(first.textToShow()).hasSizeGreaterThanOrEqualTo(40);
        Path file = dataDir.resolve("admin-token");
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        AdminToken.Resolved second = AdminToken.resolve(null, false, dataDir);
        assertThat(second.token().origin()).isEqualTo(AdminToken.Origin.STORED);
        assertThat(second.token().matches(first.textToShow())).isTrue();
        assertThat(second.textToShow()).as("shown once, when generated").isNull();
    }
}
