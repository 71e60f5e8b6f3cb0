package dev.ordo.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

/**
 * The {@code prod} profile runs none of the demo's parts, on the embedded database too: the demo's
 * channel {@code test} is unsigned and its supplier's secret is public.
 */
class ProdDemoDataTest {

    @Test
    void the_prod_profile_loads_no_demo_data_and_serves_no_mock_supplier() throws Exception {
        Properties prod = PropertiesLoaderUtils.loadProperties(new ClassPathResource("application-prod.properties"));

        assertThat(prod.getProperty("ordo.demo.load")).isEqualTo("never");
        assertThat(prod.getProperty("ordo.mock-supplier.enabled")).isEqualTo("false");
    }
}
