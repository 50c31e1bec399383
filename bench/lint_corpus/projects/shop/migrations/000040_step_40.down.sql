ALTER TABLE tax_rates DROP COLUMN refund_link_id;
