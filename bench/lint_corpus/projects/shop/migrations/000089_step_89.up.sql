BEGIN;

CREATE INDEX idx_taggings_currency ON taggings (currency);

COMMIT;
