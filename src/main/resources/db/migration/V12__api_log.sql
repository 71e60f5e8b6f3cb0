-- The API log (SPEC K7, seed 002 "日志服务"): every call a channel or a supplier makes to Ordo and
-- every call Ordo makes to a supplier or a channel's notify_url, with what was sent and answered
-- (each cut to a few KB), kept for a configured time (default two weeks, as the seed's log cleaning).
create table api_log (
    log_id      bigint        not null primary key,
    at          ${ts}         not null,
    kind        varchar(24)   not null,
    party       varchar(64),
    endpoint    varchar(500)  not null,
    reference   varchar(64),
    request     ${text},
    status      int,
    response    ${text},
    duration_ms bigint        not null
)${table_options};

create index ix_api_log_at on api_log (at);
create index ix_api_log_party on api_log (party, at);
create index ix_api_log_reference on api_log (reference, at);
