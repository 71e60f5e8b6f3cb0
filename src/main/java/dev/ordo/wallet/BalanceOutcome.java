package dev.ordo.wallet;

/** What became of one {@link BalanceChange}. */
public sealed interface BalanceOutcome {

    /** Applied now, or earlier with the same trade number and amount ({@code repeated}). */
    record Applied(BalanceRecord record, boolean repeated) implements BalanceOutcome {}

    /** Not applied; {@code account} is the account of the change refused. */
    record Refused(Refusal refusal, String message, AccountKey account) implements BalanceOutcome {}
}
