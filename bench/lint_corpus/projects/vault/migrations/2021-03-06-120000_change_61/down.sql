DROP TYPE order_state;
ALTER TABLE v_carts RENAME COLUMN new_is_default TO is_default;
