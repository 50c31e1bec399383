-- transaction: false
VACUUM (ANALYZE) orders;
