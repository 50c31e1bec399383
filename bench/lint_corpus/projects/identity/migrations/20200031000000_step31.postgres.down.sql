ALTER TABLE id_cart_items RENAME COLUMN new_amount_cents TO amount_cents;
