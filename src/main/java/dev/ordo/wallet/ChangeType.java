package dev.ordo.wallet;

/** The three operations on a balance or a capacity, with the seed's numeric codes. */
public enum ChangeType {
    /** Money or capacity put in. */
    ADD(1),
    /** Money or capacity taken out, never below zero (for a balance: below minus the credit). */
    DEDUCT(2),
    /** A deduct given back, at most its amount, once; the refund carries the deduct's trade number. */
    REFUND(3);

    private final int code;

    ChangeType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static ChangeType ofCode(int code) {
        for (ChangeType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        throw new IllegalArgumentException("change_type must be 1 (add), 2 (deduct) or 3 (refund)");
    }

    /** The sign a record of this type carries: deducts are stored negative. */
    public long signed(long amount) {
        return this == DEDUCT ? -amount : amount;
    }
}
