-- author: Pearce
-- description: Canonical status map (CIS <-> Lightspeed) and the status transition audit log
-- requires: 20241015_000000_initial_consignments_schema
-- risk: low

-- sluice:up
-- Status mapping reference table
CREATE TABLE IF NOT EXISTS consignment_status_map (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    internal_status TEXT NOT NULL,
    lightspeed_status TEXT NOT NULL,
    direction TEXT NOT NULL DEFAULT 'both' CHECK (direction IN ('to_ls', 'from_ls', 'both')),
    is_active INTEGER NOT NULL DEFAULT 1,
    notes TEXT,
    created_at TEXT DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uk_internal_status UNIQUE (internal_status)
);
CREATE INDEX IF NOT EXISTS idx_ls_status ON consignment_status_map (lightspeed_status);

-- Status transition audit log
CREATE TABLE IF NOT EXISTS status_transition_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    transfer_id INTEGER NOT NULL,
    consignment_id TEXT,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    is_allowed INTEGER NOT NULL,
    validation_error TEXT,
    changed_by INTEGER NOT NULL,
    changed_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    context_data TEXT CHECK (context_data IS NULL OR json_valid(context_data)),
    request_id TEXT
);
CREATE INDEX IF NOT EXISTS idx_stl_transfer_id ON status_transition_log (transfer_id);
CREATE INDEX IF NOT EXISTS idx_stl_changed_at ON status_transition_log (changed_at);

-- Populate initial status mappings
INSERT INTO consignment_status_map (internal_status, lightspeed_status, direction, notes) VALUES
    ('draft', 'OPEN', 'both', 'Initial state, editable in CIS'),
    ('sent', 'SENT', 'both', 'Consignment sent to destination'),
    ('receiving', 'DISPATCHED', 'both', 'Partially received; in progress'),
    ('received', 'RECEIVED', 'both', 'Fully received, pending finalization'),
    ('completed', 'RECEIVED', 'to_ls', 'Finalized in CIS, maps to RECEIVED in LS'),
    ('cancelled', 'CANCELLED', 'both', 'Cancelled at any stage')
ON CONFLICT (internal_status) DO UPDATE SET
    lightspeed_status = excluded.lightspeed_status,
    notes = excluded.notes,
    updated_at = CURRENT_TIMESTAMP;

-- sluice:down
DROP TABLE IF EXISTS status_transition_log;
DROP TABLE IF EXISTS consignment_status_map;

-- sluice:verify
-- expect: rows 6
SELECT * FROM consignment_status_map;

-- expect: value 'RECEIVED'
SELECT lightspeed_status FROM consignment_status_map WHERE internal_status = 'completed';

-- Negative test: a second mapping for the same internal status must be refused.
-- expect: error unique_violation
INSERT INTO consignment_status_map (internal_status, lightspeed_status) VALUES ('draft', 'OPEN');

-- expect: rows 2
SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'status_transition_log' AND name LIKE 'idx_stl_%';
