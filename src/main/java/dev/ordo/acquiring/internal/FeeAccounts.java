package dev.ordo.acquiring.internal;

import dev.ordo.acquiring.AcquiringAccounts;
import dev.ordo.catalog.CatalogAdmin;
import dev.ordo.catalog.ChannelSaved;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.Wallet;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Opens, when the catalog saves a channel or a supplier, the accounts its delivered orders are
 * booked to besides the money it holds — a channel's {@code down_commission}, {@code down_service}
 * and {@code down_payment_fee}, a supplier's {@code up_commission} and {@code up_service} — in the
 * saving transaction, so that a delivered order never waits at {@code up_pay} for a fee account an
 * operator did not think of (seed 000 lists no {@code down_payment_fee}). The accounts that hold money
 * — a channel's {@code down_channel}, which pays for its orders, and a supplier's {@code up_channel},
 * Ordo's deposit with it — stay the operator's to open and fund: an order of a channel without one
 * is refused (904), and an order delivered by a supplier without one waits at {@code up_pay} as for
 * one short of money. Each is opened with the channel's name and no credit, and left as it is when it
 * exists.
 */
@Component
class FeeAccounts {

    private static final Logger log = LoggerFactory.getLogger(FeeAccounts.class);

    private final Wallet wallet;
    private final CatalogAdmin catalog;

    FeeAccounts(Wallet wallet, CatalogAdmin catalog) {
        this.wallet = wallet;
        this.catalog = catalog;
    }

    /**
     * At every start, the channels and suppliers saved before this was done (an upgraded database)
     * have their missing fee accounts opened too. Safe with several nodes starting at once: an account
     * another node opened meanwhile is left as it is.
     */
    @EventListener(ApplicationReadyEvent.class)
    void openMissing() {
        List<ChannelSaved> saved = new ArrayList<>();
        catalog.downChannels().forEach(c -> saved.add(new ChannelSaved(false, c.channelNo(), c.channelName())));
        catalog.upChannels().forEach(c -> saved.add(new ChannelSaved(true, c.channelNo(), c.channelName())));
        for (ChannelSaved channel : saved) {
            try {
                open(channel);
            } catch (RuntimeException e) {
                log.warn("could not open the fee accounts of {}: {}", channel.channelNo(), e.toString());
            }
        }
    }

    @EventListener
    void open(ChannelSaved saved) {
        String no = saved.channelNo();
        List<AccountKey> accounts = saved.upstream()
                ? List.of(AcquiringAccounts.supplierCommission(no), AcquiringAccounts.supplierService(no))
                : List.of(
                        AcquiringAccounts.channelCommission(no),
                        AcquiringAccounts.channelService(no),
                        AcquiringAccounts.channelPaymentFee(no));
        for (AccountKey account : accounts) {
            if (wallet.find(account).isEmpty()) {
                wallet.open(account, saved.channelName(), null);
            }
        }
    }
}
