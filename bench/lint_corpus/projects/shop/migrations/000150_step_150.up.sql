ALTER TABLE comments ADD CONSTRAINT comments_updated_at_not_null_v CHECK (updated_at IS NOT NULL) NOT VALID;
ALTER TABLE comments VALIDATE CONSTRAINT comments_updated_at_not_null_v;
