package dev.ordo.wallet;

/** Whether an account can change; codes as in seed 003 ({@code 0} normal, {@code 1} locked). */
public enum AccountStatus {
    /** Balance operations are accepted. */
    ACTIVE(0),
    /** Every balance operation is refused; repeats of earlier operations still answer. */
    LOCKED(1);

    private final int code;

    AccountStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static AccountStatus ofCode(int code) {
        return switch (code) {
            case 0 -> ACTIVE;
            case 1 -> LOCKED;
            default -> throw new IllegalArgumentException("status must be 0 (active) or 1 (locked)");
        };
    }
}
