-- Wallet and service packages (SPEC B, seed 003). Amounts are integer cents.
-- Invariants (checked by the ledger check): balance = sum(records.amount), version = count(records).

insert into id_block (name, next_id) values ('wallet_account', 86000);
insert into id_block (name, next_id) values ('wallet_record', 100000);
insert into id_block (name, next_id) values ('wallet_package', 620000);
insert into id_block (name, next_id) values ('wallet_package_record', 600000);

create table wallet_account (
    account_id    bigint      not null primary key,
    ident         varchar(64) not null,
    account_group varchar(64) not null,
    eid           varchar(64) not null,
    account_name  varchar(64) not null,
    balance       bigint      not null,
    credit        bigint      not null,
    status        smallint    not null,
    version       bigint      not null,
    create_time   ${ts}       not null,
    constraint uk_wallet_account_key unique (ident, account_group, eid),
    constraint ck_wallet_account_credit check (credit >= 0),
    constraint ck_wallet_account_spendable check (balance + credit >= 0)
)${table_options};

create table wallet_record (
    record_id       bigint      not null primary key,
    account_id      bigint      not null,
    trade_no        varchar(64) not null,
    change_type     smallint    not null,
    amount          bigint      not null,
    balance         bigint      not null,
    account_version bigint      not null,
    create_time     ${ts}       not null,
    constraint uk_wallet_record_trade unique (account_id, trade_no, change_type),
    constraint uk_wallet_record_version unique (account_id, account_version),
    constraint fk_wallet_record_account foreign key (account_id) references wallet_account (account_id)
)${table_options};

create index ix_wallet_record_time on wallet_record (account_id, create_time);

create table wallet_package (
    pkg_id         bigint      not null primary key,
    account_id     bigint      not null,
    spkg_id        varchar(64) not null,
    pkg_name       varchar(64) not null,
    total_capacity bigint      not null,
    total_remain   bigint      not null,
    capacity_daily bigint      not null,
    deduct_today   bigint      not null,
    deduct_day     int         not null,
    expires        ${ts}       not null,
    book_time      ${ts}       not null,
    last_update    ${ts}       not null,
    version        bigint      not null,
    constraint uk_wallet_package_key unique (account_id, spkg_id),
    constraint ck_wallet_package_remain check (total_remain >= 0),
    constraint fk_wallet_package_account foreign key (account_id) references wallet_account (account_id)
)${table_options};

create table wallet_package_record (
    record_id   bigint      not null primary key,
    pkg_id      bigint      not null,
    account_id  bigint      not null,
    trade_no    varchar(64) not null,
    change_type smallint    not null,
    num         bigint      not null,
    remain      bigint      not null,
    pkg_version bigint      not null,
    deduct_day  int         not null,
    create_time ${ts}       not null,
    constraint uk_wallet_package_record_trade unique (pkg_id, trade_no, change_type),
    constraint uk_wallet_package_record_version unique (pkg_id, pkg_version),
    constraint fk_wallet_package_record_pkg foreign key (pkg_id) references wallet_package (pkg_id)
)${table_options};

create index ix_wallet_package_record_time on wallet_package_record (pkg_id, create_time);
create index ix_wallet_package_record_account on wallet_package_record (account_id, create_time);

-- Ledger check reports (the recurring wallet:ledger-check job).
create table wallet_ledger_check (
    check_id         bigint      not null primary key,
    started_at       ${ts}       not null,
    finished_at      ${ts},
    accounts_checked bigint      not null,
    packages_checked bigint      not null,
    breaks           int         not null,
    node             varchar(64) not null
)${table_options};

create table wallet_ledger_break (
    check_id   bigint      not null,
    kind       varchar(40) not null,
    subject    varchar(16) not null,
    subject_id bigint      not null,
    expected   bigint      not null,
    actual     bigint      not null,
    primary key (check_id, kind, subject_id)
)${table_options};
