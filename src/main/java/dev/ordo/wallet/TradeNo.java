package dev.ordo.wallet;

/**
 * The caller's number for one operation, its idempotency key: per account (or package) and
 * operation type, a trade number is applied once; a repeat returns the original record. Trade
 * numbers starting with {@code #} are Ordo's own (e.g. {@code #open}, a package's initial capacity)
 * and are refused from outside.
 */
public record TradeNo(String value) {

    public static final TradeNo PACKAGE_OPENED = new TradeNo("#open");

    public TradeNo {
        if (value == null
                || value.length() > 64
                || !Identifiers.isId(value.startsWith("#") ? value.substring(1) : value)) {
            throw new IllegalArgumentException("trade_no must be 1 to 64 letters, digits or _ . : @ / -");
        }
    }

    /** Ordo's own trade numbers, which clients may not use. */
    public boolean reserved() {
        return value.startsWith("#");
    }

    @Override
    public String toString() {
        return value;
    }
}
