CREATE INDEX idx_id_categories_archived_at ON id_categories (archived_at);
