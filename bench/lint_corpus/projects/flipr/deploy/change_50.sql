-- Deploy flipr:change_50 to pg

CREATE INDEX CONCURRENTLY IF NOT EXISTS f_categories_position_cidx ON f_categories (position);
