ALTER TABLE shipments ADD COLUMN external_ref varchar(64);
ALTER TABLE invitations RENAME COLUMN status TO new_status;
