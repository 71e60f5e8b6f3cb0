/**
 * The admin audit trail (SPEC K6): every change made through the admin API — the method, path,
 * parameters and body (secrets masked), who made it, when, and the status it was answered with —
 * kept for a configured time and searchable by operators. Wallet changes are not repeated here:
 * each one is already a ledger record under its trade number.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Audit")
package dev.ordo.audit;
