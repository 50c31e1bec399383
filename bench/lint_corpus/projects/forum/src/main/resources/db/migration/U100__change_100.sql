DROP TABLE `drafts_2`;
