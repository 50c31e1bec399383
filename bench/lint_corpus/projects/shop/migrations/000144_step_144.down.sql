ALTER TABLE plans RENAME COLUMN new_external_ref TO external_ref;
