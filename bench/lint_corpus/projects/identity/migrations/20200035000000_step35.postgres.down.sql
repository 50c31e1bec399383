DROP TABLE id_coupons;
