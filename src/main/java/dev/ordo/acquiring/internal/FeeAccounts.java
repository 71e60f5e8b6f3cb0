package dev.ordo.acquiring.internal;

import dev.ordo.acquiring.AcquiringAccounts;
import dev.ordo.catalog.ChannelSaved;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.Wallet;
import java.util.List;
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

    private final Wallet wallet;

    FeeAccounts(Wallet wallet) {
        this.wallet = wallet;
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
