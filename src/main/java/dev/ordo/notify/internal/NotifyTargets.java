package dev.ordo.notify.internal;

import dev.ordo.shared.OrdoException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/** The SSRF guard of outbound notifications. */
final class NotifyTargets {

    /** Name resolution: the system's, or a test's. */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowPrivate;
    private final Set<String> allowedHosts;
    private final Resolver resolver;

    NotifyTargets(boolean allowPrivate, Set<String> allowedHosts) {
        this(allowPrivate, allowedHosts, InetAddress::getAllByName);
    }

    NotifyTargets(boolean allowPrivate, Set<String> allowedHosts, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.allowedHosts = allowedHosts;
        this.resolver = resolver;
    }

    /**
     * Syntax, scheme, literal addresses and the names of this machine ({@code localhost}): checked
     * when a channel gives the URL. Other names are checked when each attempt resolves them.
     */
    URI check(String url) {
        if (url == null || url.length() > 512) {
            throw OrdoException.badParameter("notify_url must be at most 512 characters");
        }
        URI uri;
        try {
            // Characters outside ASCII as the UTF-8 percent escapes a request line can carry (sent
            // as they are, they would arrive as '?').
            uri = new URI(new URI(url).toASCIIString());
        } catch (Exception e) {
            throw OrdoException.badParameter("notify_url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw OrdoException.badParameter("notify_url must be http or https");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank() || uri.getUserInfo() != null) {
            throw OrdoException.badParameter("notify_url must name a host (and no user info)");
        }
        if (isLocalName(host) && !allowed(host)) {
            throw OrdoException.badParameter(
                    "notify_url points to a loopback, link-local or private address (" + host + ")");
        }
        if (isLiteral(host) && !allowed(host)) {
            try {
                refusePrivate(host, InetAddress.getByName(host));
            } catch (UnknownHostException e) {
                throw OrdoException.badParameter("notify_url has an invalid address");
            }
        }
        return uri;
    }

    /**
     * Resolves the host once, for the connection itself, and refuses it ({@link RefusedTarget}) when
     * any of its addresses is loopback, link-local or private (unless allowed): the addresses checked
     * are the addresses connected to.
     */
    InetAddress[] resolve(String host) throws UnknownHostException {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = resolver.resolve(name);
        if (!allowed(host) && !allowed(name)) {
            for (InetAddress address : addresses) {
                try {
                    refusePrivate(host, address);
                } catch (OrdoException e) {
                    throw new RefusedTarget(e.getMessage());
                }
            }
        }
        return addresses;
    }

    /** A name that resolved to an address notifications may not go to. */
    static final class RefusedTarget extends UnknownHostException {
        RefusedTarget(String message) {
            super(message);
        }
    }

    private boolean allowed(String host) {
        String name = name(host);
        return allowPrivate || allowedHosts.contains(name) || allowedHosts.contains(host.toLowerCase(Locale.ROOT));
    }

    /** A host name as compared: in lower case, without the trailing dot of a fully qualified name. */
    private static String name(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** Names that mean this machine wherever they are resolved (RFC 6761's {@code localhost} and its subdomains). */
    private static boolean isLocalName(String host) {
        String name = name(host);
        return name.equals("localhost")
                || name.endsWith(".localhost")
                || name.equals("localhost.localdomain")
                || name.equals("ip6-localhost")
                || name.equals("ip6-loopback");
    }

    private static boolean isLiteral(String host) {
        return host.startsWith("[") || host.chars().allMatch(c -> Character.isDigit(c) || c == '.');
    }

    private static void refusePrivate(String host, InetAddress address) {
        boolean uniqueLocal6 = address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc;
        byte[] a = address.getAddress();
        boolean sharedSpace = a.length == 4 && (a[0] & 0xff) == 100 && (a[1] & 0xc0) == 64;
        if (address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isAnyLocalAddress()
                || address.isMulticastAddress()
                || uniqueLocal6
                || sharedSpace) {
            throw OrdoException.badParameter(
                    "notify_url points to a loopback, link-local or private address (" + host + ")");
        }
    }
}
