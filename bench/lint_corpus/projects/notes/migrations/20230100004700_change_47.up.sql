CREATE INDEX IF NOT EXISTS idx_devices_pinned ON devices (pinned);
