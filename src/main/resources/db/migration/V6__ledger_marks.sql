-- The ledger check's marks: the records of an account (subject 'account') or a package ('package')
-- up to `version` sum to `total`, as a check found with the balance. The recurring check reads only
-- the records after an account's mark; a full check (once a day) reads them all again.
create table wallet_ledger_mark (
    subject    varchar(16) not null,
    subject_id bigint      not null,
    version    bigint      not null,
    total      bigint      not null,
    primary key (subject, subject_id)
)${table_options};

alter table wallet_ledger_check add column full_scan boolean default true not null;
