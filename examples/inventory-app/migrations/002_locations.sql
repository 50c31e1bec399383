-- description: Where an item is kept
-- requires: 001_items

-- sluice:up
CREATE TABLE locations (
    id INTEGER PRIMARY KEY,
    name VARCHAR(200) NOT NULL UNIQUE
);
ALTER TABLE items ADD COLUMN location_id INTEGER REFERENCES locations (id);

-- sluice:down
ALTER TABLE items DROP COLUMN location_id;
DROP TABLE locations;

-- sluice:verify
-- expect: ok
SELECT location_id FROM items WHERE 1 = 0;
