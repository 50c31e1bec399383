INSERT OR IGNORE INTO devices (id, title) VALUES (27, 'welcome');
