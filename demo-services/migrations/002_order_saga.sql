-- The order saga (demo-services/saga): stock, its reservations, and the orchestrator's state.
-- A SKU without a row in `stock` is not stock-managed (made to order) and is never reserved.
CREATE TABLE stock (
  sku text PRIMARY KEY,
  available integer NOT NULL CHECK (available >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per order and stock-managed SKU; `released` and `committed` are final.
CREATE TABLE stock_reservations (
  order_id uuid NOT NULL REFERENCES orders (id),
  sku text NOT NULL REFERENCES stock (sku),
  quantity integer NOT NULL CHECK (quantity > 0),
  status text NOT NULL DEFAULT 'reserved' CHECK (status IN ('reserved', 'released', 'committed')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, sku)
);

-- The orchestrator's state of each order's saga; every step moves it in the step's own transaction.
CREATE TABLE sagas (
  order_id uuid PRIMARY KEY REFERENCES orders (id),
  name text NOT NULL,
  state text NOT NULL CHECK (state IN ('started', 'reserved', 'completed', 'compensated', 'aborted')),
  reason text,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sagas_in_flight_idx ON sagas (updated_at) WHERE state IN ('started', 'reserved');

-- Every step a saga took, once: the audit trail of what ran and what was compensated.
CREATE TABLE saga_steps (
  order_id uuid NOT NULL REFERENCES sagas (order_id),
  step text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, step)
);
