DROP TRIGGER refunds_set_updated_at ON refunds;
ALTER TABLE payments ADD COLUMN currency char(3);
