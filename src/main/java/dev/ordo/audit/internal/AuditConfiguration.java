package dev.ordo.audit.internal;

import dev.ordo.jobs.RecurringJob;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AuditConfiguration.class);

    /** After Spring Security's filters (order -100), so that only authenticated requests are recorded. */
    @Bean
    FilterRegistrationBean<AdminAuditFilter> adminAuditFilter(
            JdbcAudit audit, JsonMapper json, Clock clock, MeterRegistry meters) {
        var registration = new FilterRegistrationBean<>(new AdminAuditFilter(audit, json, clock, meters));
        registration.addUrlPatterns("/admin/*");
        AdminAuditFilter.WALLET_TERMS.forEach(registration::addUrlPatterns);
        registration.setOrder(0);
        return registration;
    }

    /** Deletes entries older than {@code ordo.audit.retention} (default 365 days), a thousand at a time. */
    @Bean
    RecurringJob auditRetention(
            JdbcAudit audit,
            Clock clock,
            @Value("${ordo.audit.retention:365d}") Duration retention,
            @Value("${ordo.audit.retention-interval:1h}") Duration interval) {
        return RecurringJob.of("audit:retention", interval, () -> {
            int deleted = 0;
            for (int n; (n = audit.deleteBefore(clock.instant().minus(retention), 1_000)) > 0; ) {
                deleted += n;
            }
            if (deleted > 0) {
                log.info("audit: deleted {} entries older than {}", deleted, retention);
            }
        });
    }
}
