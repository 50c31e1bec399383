DROP INDEX idx_products_amount_cents;
