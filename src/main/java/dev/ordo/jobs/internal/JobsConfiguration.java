package dev.ordo.jobs.internal;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import dev.ordo.jobs.JobHandler;
import dev.ordo.jobs.Jobs;
import dev.ordo.jobs.RecurringJob;
import dev.ordo.shared.Dialect;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(JobsProperties.class)
class JobsConfiguration {

    private final DataSource jobsDataSource;

    JobsConfiguration(DataSource dataSource) {
        // Enqueueing inside a Spring transaction must use that transaction's connection.
        this.jobsDataSource = new TransactionAwareDataSourceProxy(dataSource);
    }

    @Bean
    JsonTaskSerializer jobSerializer(JsonMapper json) {
        return new JsonTaskSerializer(json);
    }

    @Bean
    JdbcJobs jobs(DataSource dataSource, Dialect dialect, JsonTaskSerializer serializer, Clock clock) {
        SchedulerClient client = SchedulerClient.Builder.create(jobsDataSource)
                .serializer(serializer)
                .jdbcCustomization(JobEngine.baseCustomization(dialect))
                .build();
        return new JdbcJobs(client, new JdbcTemplate(dataSource), dialect, serializer, clock);
    }

    @Bean
    JobTableMaintenance jobTableMaintenance(
            DataSource dataSource, Dialect dialect, @Value("${ordo.jobs.table-maintenance:30s}") Duration interval) {
        return new JobTableMaintenance(new JdbcTemplate(dataSource), dialect == Dialect.POSTGRESQL, interval);
    }

    @Bean
    JobTableGrowth jobTableGrowth(
            DataSource dataSource, Dialect dialect, @Value("${ordo.jobs.table-growth-check:1s}") Duration checkEvery) {
        return new JobTableGrowth(new JdbcTemplate(dataSource), dialect == Dialect.POSTGRESQL, checkEvery);
    }

    @Bean
    ClockOffset clockOffset(
            DataSource dataSource,
            Dialect dialect,
            Clock clock,
            JobsProperties properties,
            MeterRegistry meters,
            @Value("${ordo.jobs.clock-check:60s}") Duration checkEvery) {
        return new ClockOffset(
                new JdbcTemplate(dataSource), dialect, clock, properties.heartbeat(), meters, checkEvery);
    }

    @Bean
    JobMetrics jobMetrics(MeterRegistry registry) {
        return new JobMetrics(registry);
    }

    @Bean
    JobEngine jobEngine(
            Dialect dialect,
            JobsProperties properties,
            ObjectProvider<JobHandler<?>> handlers,
            ObjectProvider<RecurringJob> recurringJobs,
            Jobs jobs,
            DeadLetters deadLetters,
            JsonTaskSerializer serializer,
            JsonMapper json,
            JobMetrics metrics,
            MeterRegistry meters,
            TransactionTemplate tx,
            Clock clock,
            @Value("${ordo.node-name:}") String nodeName) {
        return new JobEngine(
                jobsDataSource,
                dialect,
                properties,
                handlers,
                recurringJobs,
                (JdbcJobs) jobs,
                deadLetters,
                serializer,
                json,
                metrics,
                meters,
                tx,
                clock,
                nodeName.isBlank() ? defaultNodeName() : nodeName);
    }

    /** host-pid: unique per process, and short enough for db-scheduler's 50-character picked_by. */
    private static String defaultNodeName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "node";
        }
        String pid = String.valueOf(ManagementFactory.getRuntimeMXBean().getPid());
        String name = host + "-" + pid;
        return name.length() <= 50 ? name : name.substring(name.length() - 50);
    }
}
