/**
 * The API log (SPEC K7, seed 002 "日志服务"): every integration call — a channel's request or a
 * supplier's callback coming in, a supplier request or a channel notification going out — with what
 * was sent and answered, how long it took, and the request or delivery it was about; searchable by
 * operators and kept for a configured time. Calls are buffered in memory and written in batches,
 * off the caller's path: a call never waits for its log entry, and when the database cannot keep up
 * the entries past the buffer are dropped and counted ({@code ordo.api.log.dropped}).
 */
@org.springframework.modulith.ApplicationModule(displayName = "API log")
package dev.ordo.apilog;
