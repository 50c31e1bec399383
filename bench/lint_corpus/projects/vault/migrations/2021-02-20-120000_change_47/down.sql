DROP TABLE v_suppliers;
ALTER TABLE v_invoices DROP COLUMN is_archived;
ALTER TABLE v_coupons DROP COLUMN email;
