INSERT INTO t VALUES (E'it\'s; fine', 'plain \ backslash;');
SELECT e'\\';
SELECT 'standard '' quote;'
