ALTER TABLE comments DROP CONSTRAINT comments_updated_at_not_null;
