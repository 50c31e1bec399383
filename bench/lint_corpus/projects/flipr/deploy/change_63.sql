-- Deploy flipr:change_63 to pg

ALTER TYPE order_state ADD VALUE IF NOT EXISTS 'shipped';
