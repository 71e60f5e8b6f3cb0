/**
 * Wallet and service packages (SPEC B, seed 003 "beanpay"): accounts keyed by (ident, groups, eid)
 * with a balance and a credit in cents, changed only by add, deduct and refund operations that are
 * idempotent by trade number and each leave a record with the balance after it; and packages of
 * countable capacity with the same three operations. Other modules call {@link dev.ordo.wallet.Wallet}
 * inside their own transactions; HTTP clients use the seed's paths.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Wallet")
package dev.ordo.wallet;
