package dev.ordo.security;

/**
 * Endpoints that sales channels call with their own credentials (signed parameters) instead of
 * the admin token; each of them authenticates the channel itself.
 */
public final class ChannelEndpoints {

    public static final String[] PATHS = {
        "/order/request", "/order/query", "/refund/general", "/refund/mandatory", "/refund/query"
    };

    /**
     * The reseller API's own paths: reachable without the admin token, so that a mistyped one is
     * answered "no such endpoint" (404), not asked for a token the reseller never has.
     */
    public static final String[] NAMESPACES = {"/order/**", "/refund/**"};

    private ChannelEndpoints() {}
}
