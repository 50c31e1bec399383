-- description: The items the inventory counts
-- risk: low

-- sluice:up
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    name VARCHAR(200) NOT NULL UNIQUE,
    quantity INTEGER NOT NULL DEFAULT 0 CHECK (quantity >= 0)
);

-- sluice:down
DROP TABLE items;

-- sluice:verify
-- expect: empty
SELECT id FROM items WHERE quantity < 0;
