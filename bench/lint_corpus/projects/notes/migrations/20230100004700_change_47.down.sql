DROP INDEX IF EXISTS idx_devices_pinned;
