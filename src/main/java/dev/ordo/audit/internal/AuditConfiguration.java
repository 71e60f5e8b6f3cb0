package dev.ordo.audit.internal;

import dev.ordo.jobs.RecurringJob;
import dev.ordo.shared.OldRows;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

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
            JdbcClient jdbc,
            Clock clock,
            @Value("${ordo.audit.retention:365d}") Duration retention,
            @Value("${ordo.audit.retention-interval:1h}") Duration interval) {
        return RecurringJob.retention(
                "audit:retention",
                interval,
                clock,
                retention,
                new OldRows(jdbc, "admin_audit", "audit_id", "at"),
                1_000);
    }
}
