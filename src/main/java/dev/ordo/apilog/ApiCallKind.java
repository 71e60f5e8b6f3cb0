package dev.ordo.apilog;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What an integration call was; each kind has one direction. */
public enum ApiCallKind {
    /** A channel called the reseller API ({@code /order/*}, {@code /refund/*}); party: its channel_no. */
    CHANNEL_REQUEST(true),
    /** A supplier reported a delivery's result ({@code /supplier/notify/*}); party: the supplier. */
    SUPPLIER_CALLBACK(true),
    /** Ordo called a supplier: a submission, a query or a return; party: the supplier. */
    SUPPLIER_REQUEST(false),
    /** Ordo notified a channel at its notify_url; party: the channel. */
    NOTIFICATION(false);

    private final boolean inbound;

    ApiCallKind(boolean inbound) {
        this.inbound = inbound;
    }

    public boolean inbound() {
        return inbound;
    }

    /** As the API shows it and takes it: {@code channel_request}, … */
    @JsonValue
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
