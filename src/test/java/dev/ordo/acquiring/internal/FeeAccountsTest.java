package dev.ordo.acquiring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.acquiring.AcquiringAccounts;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Unique;
import dev.ordo.wallet.Wallet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

@DatabaseTest
class FeeAccountsTest {

    @Autowired
    FeeAccounts feeAccounts;

    @Autowired
    Wallet wallet;

    @Autowired
    JdbcClient jdbc;

    /** A channel saved before the catalog opened fee accounts (an upgraded database) gets them at the next start. */
    @Test
    void a_channel_saved_before_fee_accounts_were_opened_gets_them_at_the_next_start() {
        String channelNo = Unique.id("old");
        jdbc.sql("insert into oms_down_channel (channel_no, channel_name, status, secret, legacy_unsigned, rate_limit,"
                        + " version) values (:no, 'an old channel', 0, null, 0, 100, 0)")
                .param("no", channelNo)
                .update();
        assertThat(wallet.find(AcquiringAccounts.channelPaymentFee(channelNo))).isEmpty();

        feeAccounts.openMissing();

        assertThat(wallet.find(AcquiringAccounts.channelCommission(channelNo))).isPresent();
        assertThat(wallet.find(AcquiringAccounts.channelService(channelNo))).isPresent();
        assertThat(wallet.find(AcquiringAccounts.channelPaymentFee(channelNo)))
                .hasValueSatisfying(a -> assertThat(a.name()).isEqualTo("an old channel"));
        assertThat(wallet.find(AcquiringAccounts.channel(channelNo)))
                .as("the account that pays stays the operator's to open")
                .isEmpty();
    }
}
