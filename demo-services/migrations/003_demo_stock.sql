-- The demo shop's stock of the SKUs the load generator orders (load-generator/orderFactory.ts):
-- enough for days of the demo's load. Tests seed SKUs of their own.
INSERT INTO stock (sku, available) VALUES
  ('sku-espresso', 1000000),
  ('sku-grinder', 1000000),
  ('sku-filter', 1000000),
  ('sku-mug', 1000000),
  ('sku-beans-1kg', 1000000)
ON CONFLICT (sku) DO NOTHING;
