ALTER TABLE id_suppliers ADD COLUMN id_coupon_link_id bigint;
ALTER TABLE id_suppliers ADD CONSTRAINT id_suppliers_id_coupon_link_id_fkey FOREIGN KEY (id_coupon_link_id) REFERENCES id_coupons (id) NOT VALID;
