package dev.ordo.shared;

/** What may be shown of a URL in logs and records. */
public final class Urls {

    private Urls() {}

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
