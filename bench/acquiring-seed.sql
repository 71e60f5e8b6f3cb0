-- Realistic volume for the acquiring benchmark: :orders finished orders of channel test (face 200 in
-- two deliveries of 100, as the seed's example), each with its two units and the eight events such
-- an order writes, spread over the last 30 days. Run after the demo data exists. Ids come from
-- ranges reserved in id_block, so they never collide with a running server's blocks. The orders are
-- history only: their money is not in the wallet (the wallet benchmark seeds its own records).
\set orders 300000
begin;
-- A sequence no order has used yet starts at 1, as the server would start it.
insert into id_block (name, next_id) select 'oms_order_event', 1
 where not exists (select 1 from id_block where name = 'oms_order_event');
create temporary table reserved as
  with o as (update id_block set next_id = next_id + :orders where name = 'oms_order' returning next_id - :orders as first),
       u as (update id_block set next_id = next_id + 2 * :orders where name = 'oms_order_unit' returning next_id - 2 * :orders as first),
       e as (update id_block set next_id = next_id + 8 * :orders where name = 'oms_order_event' returning next_id - 8 * :orders as first)
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
select r.event_first + 8 * g + k, r.order_first + g,
       case when k in (2, 5) then r.unit_first + 2 * g when k in (3, 6) then r.unit_first + 2 * g + 1 end,
       null,
       (array['order.accepted', 'order.bound', 'unit.paid', 'unit.paid', 'order.paid', 'unit.delivered',
              'unit.delivered', 'order.succeeded'])[k + 1],
       (array[null, 1000, 100, 100, 1010, 110, 110, 1020])[k + 1],
       (array[1000, 1010, 110, 110, 1020, 200, 200, 9000])[k + 1],
       (array['accepted', 'bound to ycup: 2 units of 100', 'paid', 'paid', 'channel charged 19800',
              'supplier R0000 success', 'supplier R0000 success', 'all 2 units delivered'])[k + 1],
       r.since + g * interval '8 ms' + k * interval '250 ms',
       r.since + g * interval '8 ms' + k * interval '250 ms'
  from generate_series(0, :orders - 1) g, generate_series(0, 7) k, reserved r;
commit;
analyze oms_order;
analyze oms_order_unit;
analyze oms_order_event;
