INSERT OR IGNORE INTO notebooks (id, title) VALUES (18, 'welcome');
