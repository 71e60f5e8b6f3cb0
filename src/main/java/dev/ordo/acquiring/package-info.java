/**
 * Virtual-goods acquiring (SPEC A, seed 000): the reseller API ({@code /order/*}, {@code /refund/*})
 * with signed channel requests, and the flow after acceptance as durable queues named as in seed
 * 000 — bind, pay, delivery, upstream pay, notify, refunds and the overtime queues. Every money
 * movement goes through the wallet in the same transaction as the state change that causes it.
 * See {@code docs/acquiring.md}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Acquiring")
package dev.ordo.acquiring;
