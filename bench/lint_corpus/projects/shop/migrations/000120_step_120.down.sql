ALTER TABLE memberships DROP COLUMN state;
