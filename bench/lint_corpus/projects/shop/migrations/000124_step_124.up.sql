ALTER TYPE order_state ADD VALUE IF NOT EXISTS 'on_hold';
