-- transaction: false
REINDEX TABLE CONCURRENTLY orders;
