-- The query row's read model (bench/README.md, "query"): :n orders and two or three lines each,
-- written straight into the live orders and order_lines tables that `ledger_bench_query
-- create-tables` made (PgReadModelStore: owner ledger_projector, row-level security), as
-- ledger_projector, so the projector's policies apply as they do to its own writes. What the
-- orders projector would write for Stripe checkouts at these stages, made by generate_series
-- rather than by projecting :n orders' events (which would take an hour here): the query
-- API reads rows, and these have the projector's shapes, nulls and sizes.
--
--   psql URL -v n=1000000 -f bench/sql/orders_fill.sql
--
-- Order i (1..:n): order_id ord_<i, 7 digits>, tenant shop_<i mod 4>, customer
-- cus_<i mod 20000> (5,000 customers per tenant, 50 orders each). Status by a hash of i:
-- 35% paid, 20% shipped, 15% delivered, 10% awaiting_payment, 8% in_production, 7% expired,
-- 3% payment_failed, 2% cancelled. Deterministic.
\set ON_ERROR_STOP on
SET ROLE ledger_projector;
SET synchronous_commit = off;

CREATE TEMP TABLE bench_orders AS
SELECT i,
       'shop_' || (i % 4) AS tenant_id,
       'ord_' || lpad(i::text, 7, '0') AS order_id,
       'cus_' || (i % 20000) AS customer_id,
       CASE WHEN h < 35 THEN 'paid' WHEN h < 55 THEN 'shipped' WHEN h < 70 THEN 'delivered'
            WHEN h < 80 THEN 'awaiting_payment' WHEN h < 88 THEN 'in_production'
            WHEN h < 95 THEN 'expired' WHEN h < 98 THEN 'payment_failed' ELSE 'cancelled'
       END AS status,
       timestamptz '2026-01-01 00:00:00Z' + i * interval '20 seconds' AS created_at,
       1000 + (i * 37) % 9000 AS amount
FROM (SELECT i, (i::bigint * 7919) % 100 AS h FROM generate_series(1, :n) AS i) AS s;

-- The projector's policy lets it write one tenant at a time (ledger.tenant), as it does.
DO $$
BEGIN
FOR t IN 0..3 LOOP
PERFORM set_config('ledger.tenant', 'shop_' || t, true);
INSERT INTO orders (tenant_id, order_id, customer_id, customer_source, customer_email,
                    customer_name, status, payment_status, fulfilment_status, cancelled,
                    amount_total_minor, amount_subtotal_minor, amount_shipping_minor,
                    amount_discount_minor, amount_tax_minor, currency, payment_intent_id,
                    client_reference_id, shipping, printify_order_id, carrier, tracking_number,
                    created_at, expired_at, paid_at, payment_failed_at, submitted_at,
                    in_production_at, shipped_at, delivered_at, cancelled_at, anomaly_count,
                    last_anomaly)
SELECT tenant_id, order_id, customer_id, 'stripe_customer', customer_id || '@example.com',
       'Customer ' || customer_id, status,
       CASE WHEN status IN ('awaiting_payment', 'expired') THEN 'unpaid'
            WHEN status = 'payment_failed' THEN 'failed' ELSE 'paid' END,
       CASE WHEN status IN ('shipped', 'delivered', 'in_production') THEN status
            ELSE 'none' END,
       status = 'cancelled',
       amount + 495, amount, 495, 0, 0, 'gbp', 'pi_bench_' || i, 'ref_' || i,
       '{"name":"Ada Lovelace","address":{"line1":"12 Example Street","city":"London",'
         '"postal_code":"N1 7AA","country":"GB"}}'::jsonb,
       CASE WHEN status IN ('shipped', 'delivered', 'in_production', 'cancelled')
            THEN 'pf_' || i END,
       CASE WHEN status IN ('shipped', 'delivered') THEN 'royal_mail' END,
       CASE WHEN status IN ('shipped', 'delivered') THEN 'RM' || lpad(i::text, 9, '0') || 'GB' END,
       created_at,
       CASE WHEN status = 'expired' THEN created_at + interval '1 day' END,
       CASE WHEN status IN ('paid', 'shipped', 'delivered', 'in_production', 'cancelled')
            THEN created_at + interval '2 minutes' END,
       CASE WHEN status = 'payment_failed' THEN created_at + interval '2 minutes' END,
       CASE WHEN status IN ('shipped', 'delivered', 'in_production')
            THEN created_at + interval '5 minutes' END,
       CASE WHEN status IN ('shipped', 'delivered', 'in_production')
            THEN created_at + interval '1 day' END,
       CASE WHEN status IN ('shipped', 'delivered') THEN created_at + interval '3 days' END,
       CASE WHEN status = 'delivered' THEN created_at + interval '6 days' END,
       CASE WHEN status = 'cancelled' THEN created_at + interval '1 hour' END,
       0, NULL
FROM bench_orders WHERE i % 4 = t;

INSERT INTO order_lines (tenant_id, order_id, line_id, customer_id, source, description,
                         quantity, amount_total_minor, currency, price_id, product_id, sku,
                         fulfilment_status)
SELECT o.tenant_id, o.order_id, 'li_' || l, o.customer_id, 'stripe',
       (ARRAY['Tee', 'Mug', 'Poster', 'Hoodie'])[1 + (o.i + l) % 4], 1 + (o.i + l) % 3,
       o.amount / (2 + o.i % 2), 'gbp', 'price_' || ((o.i + l) % 500),
       'prod_' || ((o.i + l) % 200), NULL, 'none'
FROM bench_orders AS o, generate_series(1, 2 + o.i % 2) AS l WHERE o.i % 4 = t;
END LOOP;
END
$$;

RESET ROLE;
DROP TABLE bench_orders;
