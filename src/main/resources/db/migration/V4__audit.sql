-- Admin audit trail (SPEC K6): every change an administrator asked for through the admin API,
-- refused ones included, with who, when, what and the answer's status. Secrets are masked.
create table admin_audit (
    audit_id    bigint        not null primary key,
    at          ${ts}         not null,
    actor       varchar(64)   not null,
    remote_addr varchar(64),
    method      varchar(10)   not null,
    path        varchar(500)  not null,
    query       varchar(2000),
    body        ${text},
    status      int           not null
)${table_options};

create index ix_admin_audit_at on admin_audit (at);
create index ix_admin_audit_path on admin_audit (path, at);
