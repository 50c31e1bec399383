ALTER TABLE v_price_lists RENAME COLUMN new_slug TO slug;
