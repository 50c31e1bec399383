ALTER TABLE v_categories VALIDATE CONSTRAINT v_categories_v_addresse_link_id_fkey;
ALTER TABLE v_customers ADD COLUMN locale varchar(10);
