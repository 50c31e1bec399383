INSERT OR IGNORE INTO shares (id, title) VALUES (38, 'welcome');
