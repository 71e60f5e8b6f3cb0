/**
 * The order aggregate shared by every flow (SPEC 0, A3, C2): an order with its delivery units,
 * parent/child links, a closed state machine per order and per unit with stable numeric codes,
 * and every change kept as an event — the status history, the recorded decisions, and the
 * transactional outbox of order events (SPEC K4). See {@code docs/acquiring.md} for the state diagrams.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Orders")
package dev.ordo.order;
