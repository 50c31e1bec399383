ALTER TABLE id_suppliers DROP COLUMN id_coupon_link_id;
