ALTER TABLE invitations RENAME COLUMN new_status TO status;
ALTER TABLE shipments DROP COLUMN external_ref;
