BEGIN;

CREATE INDEX idx_products_amount_cents ON products (amount_cents);

COMMIT;
