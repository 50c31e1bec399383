DROP INDEX idx_taggings_currency;
