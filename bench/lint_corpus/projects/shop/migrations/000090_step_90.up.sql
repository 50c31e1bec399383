BEGIN;

ALTER TABLE invitations ADD COLUMN plan_ref_id bigint;
ALTER TABLE invitations ADD CONSTRAINT invitations_plan_ref_id_fkey FOREIGN KEY (plan_ref_id) REFERENCES plans (id);

COMMIT;
