package dev.ordo.acquiring;

import dev.ordo.wallet.AccountKey;

/**
 * The wallet accounts of acquiring (SPEC B1): ident {@code oms}, one account per group and channel
 * or supplier number. The channel's {@code down_channel} account pays for its orders;
 * {@code down_commission} receives its commission; {@code down_service} and {@code down_payment_fee}
 * collect the service and payment fees; a supplier's {@code up_channel} account is Ordo's deposit
 * with it (charged the cost), {@code up_commission} receives its commission back and
 * {@code up_service} the supplier-side service fee.
 */
public final class AcquiringAccounts {

    public static final String IDENT = "oms";

    private AcquiringAccounts() {}

    public static AccountKey channel(String channelNo) {
        return new AccountKey(IDENT, "down_channel", channelNo);
    }

    public static AccountKey channelCommission(String channelNo) {
        return new AccountKey(IDENT, "down_commission", channelNo);
    }

    public static AccountKey channelService(String channelNo) {
        return new AccountKey(IDENT, "down_service", channelNo);
    }

    public static AccountKey channelPaymentFee(String channelNo) {
        return new AccountKey(IDENT, "down_payment_fee", channelNo);
    }

    public static AccountKey supplier(String supplierNo) {
        return new AccountKey(IDENT, "up_channel", supplierNo);
    }

    public static AccountKey supplierCommission(String supplierNo) {
        return new AccountKey(IDENT, "up_commission", supplierNo);
    }

    public static AccountKey supplierService(String supplierNo) {
        return new AccountKey(IDENT, "up_service", supplierNo);
    }

    /**
     * Trade number of everything booked for a unit's delivery (and of its refund, which names the
     * deduct). Ordo's own ({@code #}): the wallet's HTTP API refuses such numbers, so a manual booking
     * on one of these accounts can never be taken for a step of the flow.
     */
    public static String unitTrade(long unitId) {
        return "#u" + unitId;
    }

    /** Trade number of what a refund takes back from fee and commission accounts for a unit. */
    public static String reversalTrade(long refundId, long unitId) {
        return "#r" + refundId + ":u" + unitId;
    }
}
