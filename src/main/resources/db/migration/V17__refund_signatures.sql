-- The signatures of refund requests from signed channels, each with the endpoint it was first seen
-- on, kept a little longer than a signature stays valid (oms:refund:signatures deletes the older):
-- /refund/general and /refund/mandatory take the same parameters, and the signature covers the
-- parameters, not the path, so a general refund's signature seen on the way is refused on
-- /refund/mandatory, and the other way round.
create table oms_refund_signature (
    entry_id   bigint      not null primary key,
    channel_no varchar(32) not null,
    sign       varchar(64) not null,
    kind       varchar(16) not null,
    created_at ${ts}       not null,
    constraint uk_oms_refund_signature unique (channel_no, sign)
)${table_options};

create index ix_oms_refund_signature_created on oms_refund_signature (created_at, entry_id);
