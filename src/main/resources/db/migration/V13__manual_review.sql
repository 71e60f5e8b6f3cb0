-- Units waiting for an operator (status 140, MANUAL_REVIEW): one row per unit while it waits,
-- written and removed in the transaction of its status change, so that operators can list them and
-- a gauge can count them without an index on the units' status (which every status change of every
-- unit would have to write, and which would keep PostgreSQL's updates off their page).
create table oms_unit_review (
    unit_id  bigint   not null primary key,
    order_id bigint   not null,
    since    ${ts}    not null
)${table_options};

create index ix_oms_unit_review_since on oms_unit_review (since, unit_id);

-- Units already waiting: since when is not known, so since their submission (they waited at least that long).
insert into oms_unit_review (unit_id, order_id, since)
select unit_id, order_id, coalesce(submitted_at, delivery_deadline) from oms_order_unit
where status = 140 and coalesce(submitted_at, delivery_deadline) is not null;
