package dev.ordo.wallet;

/** What became of one {@link CapacityChange}. */
public sealed interface CapacityOutcome {

    record Applied(CapacityRecord record, boolean repeated) implements CapacityOutcome {}

    record Refused(Refusal refusal, String message) implements CapacityOutcome {}
}
