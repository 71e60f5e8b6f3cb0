-- The order flow's wallet trade numbers became Ordo's own (a leading '#', which the wallet's HTTP API
-- refuses): u<unit> -> #u<unit>, r<refund>:u<unit> -> #r<refund>:u<unit>. Records written before
-- are renamed, so that a refund of a unit paid before the change still finds the unit's deduct.
update wallet_record
   set trade_no = concat('#', trade_no)
 where (trade_no ${regexp} '^u[0-9]+$' or trade_no ${regexp} '^r[0-9]+:u[0-9]+$')
   and account_id in (select account_id from wallet_account where ident = 'oms');
