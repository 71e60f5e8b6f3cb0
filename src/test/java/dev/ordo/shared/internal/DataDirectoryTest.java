package dev.ordo.shared.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

/** The embedded database's directory works however it is given: H2 takes only absolute or ./ paths. */
class DataDirectoryTest {

    private static String processed(String given) {
        MockEnvironment environment = new MockEnvironment();
        if (given != null) {
            environment.setProperty(DataDirectory.PROPERTY, given);
        }
        environment.setProperty("spring.datasource.url", "jdbc:h2:file:${ordo.data-dir}/ordo");
        new DataDirectory().postProcessEnvironment(environment, new SpringApplication());
        return environment.getProperty(DataDirectory.PROPERTY);
    }

    @Test
    void a_relative_data_directory_becomes_absolute_and_so_does_the_database_url_built_from_it() {
        String expected = Path.of("data2").toAbsolutePath().toString();
        assertThat(processed("data2")).isEqualTo(expected);
        assertThat(processed("./data"))
                .isEqualTo(Path.of("data").toAbsolutePath().toString());

        MockEnvironment environment = new MockEnvironment();
        environment.setProperty(DataDirectory.PROPERTY, "data2");
        environment.setProperty("spring.datasource.url", "jdbc:h2:file:${ordo.data-dir}/ordo");
        new DataDirectory().postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("spring.datasource.url")).isEqualTo("jdbc:h2:file:" + expected + "/ordo");
    }

    @Test
    void a_data_directory_under_the_home_directory_stays_there() {
        assertThat(processed("~/ordo"))
                .isEqualTo(Path.of(System.getProperty("user.home"), "ordo").toString());
    }

    @Test
    void an_absolute_data_directory_is_kept_and_none_given_stays_none() {
        assertThat(processed("/var/lib/ordo")).isEqualTo("/var/lib/ordo");
        assertThat(processed(null)).isNull();
    }
}
