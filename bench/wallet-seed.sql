-- Realistic volume for the wallet benchmark: 10,000 spread accounts and one hot account, each with
-- a history of records that sums to its balance (SPEC B5 holds before the run starts).
-- Ids come from a range reserved in id_block, so they never collide with a running server's blocks.
\set accounts 10000
\set history 50
begin;
create temporary table reserved as
  with a as (update id_block set next_id = next_id + 20000 where name = 'wallet_account' returning next_id - 20000 as first),
       r as (update id_block set next_id = next_id + 1000000 where name = 'wallet_record' returning next_id - 1000000 as first)
  select a.first as account_first, r.first as record_first from a, r;

insert into wallet_account (account_id, ident, account_group, eid, account_name, balance, credit, status, version, create_time)
select (select account_first from reserved) + g, 'bench', 'spread', 'b' || lpad(g::text, 5, '0'), 'bench ' || g,
       1000000000 + (:history - 1) * 100, 0, 0, :history, now() at time zone 'utc'
  from generate_series(1, :accounts) g;

insert into wallet_account (account_id, ident, account_group, eid, account_name, balance, credit, status, version, create_time)
select (select account_first from reserved), 'bench', 'hot', 'hot', 'hot account', 1000000000000, 0, 0, 1, now() at time zone 'utc';

-- Per spread account: one large add, then (history - 1) adds of 100.
insert into wallet_record (record_id, account_id, trade_no, change_type, amount, balance, account_version, create_time)
select (select record_first from reserved) + (g - 1) * :history + v,
       (select account_first from reserved) + g,
       'history-' || v, 1,
       case when v = 1 then 1000000000 else 100 end,
       1000000000 + (v - 1) * 100,
       v,
       (now() at time zone 'utc') - interval '30 days' + v * interval '10 minutes'
  from generate_series(1, :accounts) g, generate_series(1, :history) v;

insert into wallet_record (record_id, account_id, trade_no, change_type, amount, balance, account_version, create_time)
select (select record_first from reserved) + :accounts * :history + 1, (select account_first from reserved),
       'history-1', 1, 1000000000000, 1000000000000, 1, now() at time zone 'utc';
commit;
analyze wallet_account;
analyze wallet_record;
