package dev.ordo.wallet;

/**
 * What identifies an account from outside (SPEC B1): the system it belongs to ({@code ident}), the
 * kind of account ({@code groups}, e.g. {@code down_channel}) and the external id ({@code eid},
 * e.g. a channel number).
 */
public record AccountKey(String ident, String groups, String eid) {

    public AccountKey {
        Identifiers.id("ident", ident);
        Identifiers.id("groups", groups);
        Identifiers.id("eid", eid);
    }

    @Override
    public String toString() {
        return ident + "/" + groups + "/" + eid;
    }
}
