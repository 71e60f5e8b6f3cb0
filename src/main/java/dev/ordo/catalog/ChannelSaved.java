package dev.ordo.catalog;

/**
 * A downstream or upstream channel was saved (created or replaced), published inside the saving
 * transaction: a listener's failure undoes the save.
 *
 * @param upstream    a supplier ({@code up-channels}) rather than a reseller ({@code down-channels})
 * @param channelNo   its number
 * @param channelName its name
 */
public record ChannelSaved(boolean upstream, String channelNo, String channelName) {}
