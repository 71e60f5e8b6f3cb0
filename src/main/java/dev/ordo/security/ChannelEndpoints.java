package dev.ordo.security;

/**
 * Endpoints that sales channels call with their own credentials (signed parameters) instead of
 * the admin token; each of them authenticates the channel itself.
 */
public final class ChannelEndpoints {

    public static final String[] PATHS = {
        "/order/request", "/order/query", "/refund/general", "/refund/mandatory", "/refund/query"
    };

    private ChannelEndpoints() {}
}
