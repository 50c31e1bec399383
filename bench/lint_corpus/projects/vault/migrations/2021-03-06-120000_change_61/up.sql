ALTER TABLE v_carts RENAME COLUMN is_default TO new_is_default;
CREATE TYPE order_state AS ENUM ('new', 'paid');
