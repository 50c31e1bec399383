DROP TABLE shares_15;
