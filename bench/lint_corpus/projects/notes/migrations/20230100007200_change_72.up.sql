INSERT OR IGNORE INTO shares_15 (id, title) VALUES (4, 'welcome');
