ALTER TABLE orders ADD COLUMN placed_at timestamptz NOT NULL DEFAULT now();
CREATE TABLE fresh (id uuid PRIMARY KEY);
ALTER TABLE fresh ADD COLUMN token uuid DEFAULT gen_random_uuid();
