DROP TABLE `drafts_1`;
