-- Deploy flipr:change_20 to pg

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS f_categories_state_key ON f_categories (state);
