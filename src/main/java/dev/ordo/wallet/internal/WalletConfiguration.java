package dev.ordo.wallet.internal;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
class WalletConfiguration {

    /**
     * {@code ordo.wallet.batch.lanes}: parallel batches of HTTP balance operations (each account
     * always uses the same lane), by default one per two processors and at least two: more lanes mean
     * smaller batches and more commits, but with one lane the machine idles while a batch waits on its
     * round trips to the database; {@code ordo.wallet.batch.flow-lanes}: parallel batches of order steps that move
     * money (each by the account of its first balance change), by default 4;
     * {@code ordo.wallet.batch.max-size}: most operations per batch;
     * {@code ordo.wallet.batch.timeout}: how long a request waits for its batch's commit.
     */
    @Bean
    BalanceCombiner balanceCombiner(
            DefaultWallet wallet,
            TransactionTemplate tx,
            MeterRegistry meters,
            @Value("${ordo.wallet.batch.lanes:0}") int lanes,
            @Value("${ordo.wallet.batch.flow-lanes:4}") int flowLanes,
            @Value("${ordo.wallet.batch.max-size:256}") int maxSize,
            @Value("${ordo.wallet.batch.timeout:30s}") Duration timeout) {
        int laneCount = lanes > 0 ? lanes : Math.max(2, Runtime.getRuntime().availableProcessors() / 2);
        return new BalanceCombiner(wallet, tx, laneCount, Math.max(1, flowLanes), maxSize, timeout, meters);
    }
}
