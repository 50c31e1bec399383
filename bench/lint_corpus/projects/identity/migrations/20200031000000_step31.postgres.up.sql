ALTER TABLE id_cart_items RENAME COLUMN amount_cents TO new_amount_cents;
