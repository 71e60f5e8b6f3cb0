package dev.ordo.notify.internal;

import dev.ordo.shared.OrdoException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
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
        if (uri.getPort() == 0 || uri.getPort() > 65_535) {
            throw OrdoException.badParameter("notify_url has an invalid port (" + uri.getPort() + ")");
        }
        if (isLocalName(host) && !allowed(host)) {
            throw OrdoException.badParameter(
                    "notify_url points to a loopback, link-local or private address (" + host + ")");
        }
        if (!host.startsWith("[") && isLiteral(host) && !isDottedQuad(host)) {
            // Read by some as an address (127.1, 0177.0.0.1), by a resolver as a name to look up.
            throw OrdoException.badParameter("notify_url has an invalid address (" + host + ")");
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

    /** Four decimal numbers 0–255, without leading zeros: an IPv4 address read alike everywhere. */
    private static boolean isDottedQuad(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return false;
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static void refusePrivate(String host, InetAddress address) {
        if (isInternal(address)) {
            throw OrdoException.badParameter(
                    "notify_url points to a loopback, link-local or private address (" + host + ")");
        }
    }

    /**
     * Loopback, link-local, private, shared, reserved and multicast addresses, IPv4 or IPv6 — and an
     * IPv6 address that carries an IPv4 one (mapped, compatible, NAT64, 6to4) judged by the IPv4 address
     * it reaches: a name whose AAAA record is {@code ::ffff:127.0.0.1} reaches this machine.
     */
    static boolean isInternal(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 4) {
            return isInternalIpv4(a);
        }
        byte[] ipv4 = embeddedIpv4(a);
        if (ipv4 != null) {
            return isInternalIpv4(ipv4);
        }
        return address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isAnyLocalAddress()
                || address.isMulticastAddress()
                || (a[0] & 0xfe) == 0xfc // unique local, fc00::/7
                // Local-use NAT64, 64:ff9b:1::/48 (RFC 8215): a network's own translator, to any IPv4
                // address at a place its prefix length decides — not a public target whatever it carries.
                || (a[0] == 0 && a[1] == 0x64 && a[2] == (byte) 0xff && a[3] == (byte) 0x9b && a[4] == 0 && a[5] == 1);
    }

    private static boolean isInternalIpv4(byte[] a) {
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        int b2 = a[2] & 0xff;
        return b0 == 0 // this network, 0.0.0.0/8
                || b0 == 10
                || b0 == 127
                || (b0 == 100 && (b1 & 0xc0) == 64) // shared address space, 100.64.0.0/10
                || (b0 == 169 && b1 == 254)
                || (b0 == 172 && (b1 & 0xf0) == 16)
                || (b0 == 192 && b1 == 0 && b2 == 0) // protocol assignments, 192.0.0.0/24
                || (b0 == 192 && b1 == 168)
                || (b0 == 198 && (b1 & 0xfe) == 18) // benchmarking, 198.18.0.0/15
                || b0 >= 224; // multicast, reserved (240.0.0.0/4) and broadcast
    }

    /**
     * The IPv4 address an IPv6 one carries: ::ffff:0:0/96, ::ffff:0:0:0/96 (SIIT), ::/96,
     * 64:ff9b::/96 and 2002::/16; else null.
     */
    private static byte[] embeddedIpv4(byte[] a) {
        boolean zeroTo10 = Arrays.equals(a, 0, 10, new byte[10], 0, 10);
        boolean mapped = zeroTo10 && a[10] == (byte) 0xff && a[11] == (byte) 0xff;
        boolean compatible = zeroTo10 && a[10] == 0 && a[11] == 0; // :: and ::1 too: 0.0.0.0/8
        boolean translated = Arrays.equals(a, 0, 8, new byte[8], 0, 8)
                && a[8] == (byte) 0xff
                && a[9] == (byte) 0xff
                && a[10] == 0
                && a[11] == 0;
        boolean nat64 = a[0] == 0
                && a[1] == 0x64
                && a[2] == (byte) 0xff
                && a[3] == (byte) 0x9b
                && Arrays.equals(a, 4, 12, new byte[8], 0, 8);
        if (mapped || compatible || translated || nat64) {
            return Arrays.copyOfRange(a, 12, 16);
        }
        if (a[0] == 0x20 && a[1] == 0x02) {
            return Arrays.copyOfRange(a, 2, 6);
        }
        return null;
    }
}
