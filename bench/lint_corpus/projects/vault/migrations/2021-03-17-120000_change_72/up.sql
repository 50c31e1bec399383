ALTER TABLE v_price_lists RENAME COLUMN slug TO new_slug;
