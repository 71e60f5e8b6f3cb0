-- Units waiting for an operator (status 140, MANUAL_REVIEW): one row per unit while it waits,
-- written and removed in the transaction of its status change, so that operators can list them and
-- a gauge can count them without an index on the units' status (which every status change of every
-- unit would have to write, and which would keep PostgreSQL's updates off their page). The units
-- already waiting are added by V14.
create table oms_unit_review (
    unit_id  bigint   not null primary key,
    order_id bigint   not null,
    since    ${ts}    not null
)${table_options};

create index ix_oms_unit_review_since on oms_unit_review (since, unit_id);
