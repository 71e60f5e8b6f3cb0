/**
 * Small, stable vocabulary every module shares: money in cents, error codes and RFC 9457 problem
 * details, the seed time format, the database dialect and id generation.
 */
@org.springframework.modulith.ApplicationModule(
        displayName = "Shared kernel",
        type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package dev.ordo.shared;
