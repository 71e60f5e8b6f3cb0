-- Realistic volume for the acquiring benchmark: :orders finished orders of channel test (face 200 in
-- two deliveries of 100, as the seed's example), each with its two units and the ten events such
-- an order writes, spread over the last 30 days. Run after the demo data exists. Ids come from
-- ranges reserved in id_block, so they never collide with a running server's blocks. Their money is
-- in the wallet as the flow books it (docs/acquiring.md#money): per unit the channel's deduct of the
-- sale, the channel's commission and service fee, the supplier's deduct of the cost; 2.4 million
-- records on the accounts the benchmark's orders use, which the ledger check (SPEC B5) still finds
-- whole: each account's balance and version move on by what its records add up to.
\set orders 300000
begin;
-- A sequence no order has used yet starts at 1, as the server would start it.
insert into id_block (name, next_id) select 'oms_order_event', 1
 where not exists (select 1 from id_block where name = 'oms_order_event');
create temporary table reserved as
  with o as (update id_block set next_id = next_id + :orders where name = 'oms_order' returning next_id - :orders as first),
       u as (update id_block set next_id = next_id + 2 * :orders where name = 'oms_order_unit' returning next_id - 2 * :orders as first),
       e as (update id_block set next_id = next_id + 10 * :orders where name = 'oms_order_event' returning next_id - 10 * :orders as first)
  select o.first as order_first, u.first as unit_first, e.first as event_first,
         (select p.product_id from oms_down_product p join oms_down_shelf s on s.shelf_id = p.shelf_id
           where s.channel_no = 'test' and p.face = 20000) as down_product,
         (select min(p.product_id) from oms_up_product p join oms_up_shelf s on s.shelf_id = p.shelf_id
           where s.channel_no = 'ycup') as up_product,
         (now() at time zone 'utc') - interval '30 days' as since
    from o, u, e;

insert into oms_order (order_id, channel_no, request_no, request_hash, parent_order_id, is_parent, line_id, carrier_no,
    province_no, city_no, invoice_type, num, face, amount, notify_url, recharge_account, down_product_id, status,
    open_units, overtime_at, deadline_at, created_at, finished_at, sale, commission, service_fee, payment_fee, cost,
    up_commission, up_service_fee, margin, version)
select r.order_first + g, 'test', 'hist-' || g, md5(g::text) || md5(g::text), null, false, 1, 'ZSH', '*', '*', 1, 1,
       20000, 19800, null, '1000110' || lpad((g % 100000000)::text, 8, '0'), r.down_product, 9000, 0,
       r.since + g * interval '8 ms' + interval '10 minutes', null,
       r.since + g * interval '8 ms', r.since + g * interval '8 ms' + interval '2 seconds',
       19800, 40, 20, 0, 19600, 0, 0, 140, 6
  from generate_series(0, :orders - 1) g, reserved r;

insert into oms_order_unit (unit_id, order_id, seq, pieces, face, up_channel_no, up_product_id, status, sale, commission,
    service_fee, payment_fee, cost, up_commission, up_service_fee, delivery_deadline, submitted_at, resolved_at,
    result_code, result_msg, supplier_order_no, refund_id, version)
select r.unit_first + 2 * g + s, r.order_first + g, s + 1, 1, 10000, 'ycup', r.up_product, 200, 9900, 20, 10, 0, 9800,
       0, 0, r.since + g * interval '8 ms' + interval '5 minutes', r.since + g * interval '8 ms' + interval '1 second',
       r.since + g * interval '8 ms' + interval '2 seconds', 'R0000', 'success', 'hist' || (2 * g + s), null, 3
  from generate_series(0, :orders - 1) g, generate_series(0, 1) s, reserved r;

insert into oms_order_event (event_id, order_id, unit_id, refund_id, event_type, from_status, to_status, reason,
    created_at, published_at)
select r.event_first + 10 * g + k, r.order_first + g,
       case when k in (2, 3, 7) then r.unit_first + 2 * g when k in (4, 5, 8) then r.unit_first + 2 * g + 1 end,
       null,
       (array['order.accepted', 'order.bound', 'unit.paid', 'unit.submitting', 'unit.paid', 'unit.submitting',
              'order.paid', 'unit.delivered', 'unit.delivered', 'order.succeeded'])[k + 1],
       (array[null, 1000, 100, 110, 100, 110, 1010, 120, 120, 1020])[k + 1],
       (array[1000, 1010, 110, 120, 110, 120, 1020, 200, 200, 9000])[k + 1],
       (array['accepted', 'bound to ycup: 2 units of 100', 'paid', 'claimed', 'paid', 'claimed',
              'channel charged 19800', 'supplier R0000 success', 'supplier R0000 success',
              'all 2 units delivered'])[k + 1],
       r.since + g * interval '8 ms' + k * interval '250 ms',
       r.since + g * interval '8 ms' + k * interval '250 ms'
  from generate_series(0, :orders - 1) g, generate_series(0, 9) k, reserved r;

-- The four accounts every order books on, locked until the end; all four must exist (demo data).
select 1 from wallet_account
 where ident = 'oms' and (account_group, eid) in (('down_channel', 'test'), ('down_commission', 'test'),
                                                  ('down_service', 'test'), ('up_channel', 'ycup'))
 order by account_id for update;
create temporary table books as
  select a.account_id, a.balance, a.version, b.amount::bigint as amount, b.change_type, b.k
    from (values ('down_channel', 'test', -9900, 2, 0), ('down_commission', 'test', 20, 1, 1),
                 ('down_service', 'test', 10, 1, 2), ('up_channel', 'ycup', -9800, 2, 3)) b(grp, eid, amount, change_type, k)
    join wallet_account a on a.ident = 'oms' and a.account_group = b.grp and a.eid = b.eid;
do $$ begin
  if (select count(*) from books) <> 4 then
    raise exception 'acquiring-seed: an oms account of channel test or supplier ycup is missing (load the demo data first)';
  end if;
end $$;
insert into id_block (name, next_id) select 'wallet_record', 1
 where not exists (select 1 from id_block where name = 'wallet_record');
create temporary table record_ids as
  with w as (update id_block set next_id = next_id + 8 * :orders where name = 'wallet_record'
             returning next_id - 8 * :orders as first)
  select first from w;

-- Unit n (0 .. 2 × orders − 1) is the account's (n + 1)-th record after those it has.
insert into wallet_record (record_id, account_id, trade_no, change_type, amount, balance, account_version, create_time)
select w.first + 4 * n + b.k, b.account_id, '#u' || (r.unit_first + n), b.change_type, b.amount,
       b.balance + (n + 1) * b.amount, b.version + n + 1, r.since + (n / 2) * interval '8 ms' + interval '2 seconds'
  from generate_series(0, 2 * :orders - 1) n, books b, record_ids w, reserved r;
update wallet_account a set balance = a.balance + 2::bigint * :orders * b.amount, version = a.version + 2 * :orders
  from books b where a.account_id = b.account_id;
commit;
analyze oms_order;
analyze oms_order_unit;
analyze oms_order_event;
analyze wallet_record;
analyze wallet_account;
