-- author: Legacy Team
-- description: Initial schema for the consignments module (baseline)
-- risk: low
-- irreversible: true
-- tags: baseline

-- sluice:up
CREATE TABLE transfers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    outlet_from INTEGER NOT NULL,
    outlet_to INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE transfer_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    transfer_id INTEGER NOT NULL REFERENCES transfers (id) ON DELETE CASCADE,
    product_id TEXT NOT NULL,
    qty_requested INTEGER NOT NULL CHECK (qty_requested > 0),
    qty_received INTEGER
);

CREATE TABLE vend_consignments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    transfer_id INTEGER REFERENCES transfers (id),
    lightspeed_id TEXT UNIQUE,
    status TEXT NOT NULL
);

CREATE INDEX idx_transfer_items_transfer ON transfer_items (transfer_id);

-- sluice:verify
-- expect: rows 3
SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('transfers', 'transfer_items', 'vend_consignments');
