-- Catalog entries carry a version, moved on by every save: a save that names the version it read
-- applies only to the entry at that version (an admin's change made meanwhile is a conflict, not
-- overwritten). Error codes carry one too, so that every catalog table is written the same way.
alter table oms_product_line add column version bigint default 0 not null;
alter table oms_down_channel add column version bigint default 0 not null;
alter table oms_down_shelf add column version bigint default 0 not null;
alter table oms_down_product add column version bigint default 0 not null;
alter table oms_up_channel add column version bigint default 0 not null;
alter table oms_up_shelf add column version bigint default 0 not null;
alter table oms_up_product add column version bigint default 0 not null;
alter table oms_up_error_code add column version bigint default 0 not null;
