package dev.ordo.supplier;

/** Where and how to reach one supplier (from the catalog's upstream channel). */
public record SupplierEndpoint(
        String channelNo,
        String protocol,
        int serviceClass,
        String requestUrl,
        String queryUrl,
        String returnUrl,
        String notifyUrl,
        String secret,
        int timeoutMs) {}
