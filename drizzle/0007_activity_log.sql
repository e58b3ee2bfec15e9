CREATE TABLE `activity` (
	`id` integer PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`type` text NOT NULL,
	`at` integer NOT NULL,
	`session_id` text,
	`device` text,
	`network` text,
	`count` integer DEFAULT 1 NOT NULL,
	`tally` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `activity_user_at_idx` ON `activity` (`user_id`,`at`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `activity_user_tally_unique` ON `activity` (`user_id`,`tally`);--> statement-breakpoint
CREATE INDEX `activity_at_idx` ON `activity` (`at`);