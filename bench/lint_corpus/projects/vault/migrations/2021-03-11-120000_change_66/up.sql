CREATE INDEX idx_v_reviews_slug ON v_reviews (slug);
