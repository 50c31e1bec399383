DROP TABLE id_reviews;
