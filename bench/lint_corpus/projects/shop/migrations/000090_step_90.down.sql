ALTER TABLE invitations DROP COLUMN plan_ref_id;
