package dev.ordo.shared;

import java.net.URI;
import java.net.URISyntaxException;

/** URLs Ordo calls: which ones a request can be made to, and what may be shown of them in logs and records. */
public final class Urls {

    private Urls() {}

    /**
     * The URL as a request target: http or https (any case) with a host — an underscore in the host
     * included, no host to {@link URI#getHost()} but one to the HTTP client; null for anything else
     * (no scheme, another scheme, a space, {@code |} or brace unencoded, no host).
     */
    public static URI requestTarget(String url) {
        if (url == null) {
            return null;
        }
        try {
            URI uri = new URI(url);
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            return http && (uri.getHost() != null || uri.getRawAuthority() != null) ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /**
     * {@code scheme://user:password@host/...} as {@code scheme://***@host/...} (up to the last
     * {@code @} of the authority, so a password holding one is masked whole); anything else as it is.
     */
    public static String withoutUserInfo(String value) {
        int scheme = value.indexOf("://");
        if (scheme < 0) {
            return value;
        }
        int authorityEnd = value.length();
        for (char stop : new char[] {'/', '?', '#'}) {
            int at = value.indexOf(stop, scheme + 3);
            if (at >= 0 && at < authorityEnd) {
                authorityEnd = at;
            }
        }
        int userInfo = value.lastIndexOf('@', authorityEnd - 1);
        return userInfo > scheme ? value.substring(0, scheme + 3) + "***" + value.substring(userInfo) : value;
    }
}
