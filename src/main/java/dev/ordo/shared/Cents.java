package dev.ordo.shared;

/**
 * An amount of money in integer cents (分), as every seed states amounts. Signed: ledger records
 * carry negative amounts for deducts, and a balance may go below zero down to the account's credit.
 */
public record Cents(long value) implements Comparable<Cents> {

    public static final Cents ZERO = new Cents(0);

    /** Upper bound for a single amount: 10 billion yuan. Keeps every sum far from overflow. */
    public static final long MAX_AMOUNT = 1_000_000_000_000L;

    public static Cents of(long value) {
        return new Cents(value);
    }

    /** An amount moved by one operation: strictly positive and at most {@link #MAX_AMOUNT}. */
    public static Cents positive(long value) {
        if (value <= 0 || value > MAX_AMOUNT) {
            throw new IllegalArgumentException("amount must be between 1 and " + MAX_AMOUNT + " cents, was " + value);
        }
        return new Cents(value);
    }

    public Cents plus(Cents other) {
        return new Cents(Math.addExact(value, other.value));
    }

    public Cents minus(Cents other) {
        return new Cents(Math.subtractExact(value, other.value));
    }

    public Cents negate() {
        return new Cents(Math.negateExact(value));
    }

    public boolean isNegative() {
        return value < 0;
    }

    public boolean greaterThan(Cents other) {
        return value > other.value;
    }

    @Override
    public int compareTo(Cents other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return value + "c";
    }
}
