/**
 * Outbound notifications to channels (SPEC K5): signed form POSTs to the URL a channel gave,
 * retried with backoff for at least 24 hours, every attempt logged, each carrying a stable event id
 * so that the receiver can drop repeats. Targets are checked: http or https only, and no loopback,
 * link-local or private address unless configured.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Notifications")
package dev.ordo.notify;
