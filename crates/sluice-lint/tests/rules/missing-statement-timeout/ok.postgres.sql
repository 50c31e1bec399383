SET statement_timeout = '10min';
ALTER TABLE orders ADD COLUMN note text;
