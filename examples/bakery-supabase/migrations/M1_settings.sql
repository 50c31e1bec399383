-- author: Bakery team
-- description: Settings as key/value, admin-only through RPCs
-- requires: M0_core
-- risk: low

-- sluice:up
CREATE TABLE settings_kv (
    key text PRIMARY KEY,
    value jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER trg_settings_kv_updated BEFORE UPDATE ON settings_kv
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
ALTER TABLE settings_kv ENABLE ROW LEVEL SECURITY;
CREATE POLICY settings_select ON settings_kv FOR SELECT TO authenticated USING (true);
GRANT SELECT ON settings_kv TO authenticated;
INSERT INTO settings_kv (key, value) VALUES
    ('printing.label_size', '"62x29"'),
    ('storage.locations', '["Fridge A", "Fridge B", "Freezer"]')
ON CONFLICT (key) DO NOTHING;

-- sluice:down
REVOKE SELECT ON settings_kv FROM authenticated;
DROP TABLE IF EXISTS settings_kv;

-- sluice:verify
-- expect: rows >= 2
SELECT key FROM settings_kv;
