CREATE TABLE `revocation_feed` (
	`id` integer PRIMARY KEY NOT NULL,
	`trimmed_through` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `session_revocations` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text,
	`user_id` text NOT NULL,
	`revoked_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `session_revocations_revoked_at_idx` ON `session_revocations` (`revoked_at`);