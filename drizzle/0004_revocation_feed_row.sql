-- Custom SQL migration file, put your code below! --
-- The feed's one state row: nothing trimmed yet.
INSERT OR IGNORE INTO `revocation_feed` (`id`, `trimmed_through`) VALUES (1, 0);
