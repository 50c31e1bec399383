ALTER TABLE v_reviews ADD CONSTRAINT v_reviews_expires_at_not_null CHECK (expires_at IS NOT NULL) NOT VALID;
