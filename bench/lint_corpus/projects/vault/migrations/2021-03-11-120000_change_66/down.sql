DROP INDEX idx_v_reviews_slug;
