SET SESSION max_statement_time = 600;
ALTER TABLE orders ADD COLUMN note text;
