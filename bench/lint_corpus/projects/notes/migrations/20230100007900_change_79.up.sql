INSERT OR IGNORE INTO devices_17 (id, title) VALUES (44, 'welcome');
