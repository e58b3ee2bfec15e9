CREATE TABLE `common_passwords` (
	`password` text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE `login_failures` (
	`username_canonical` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`last_failed_at` integer NOT NULL,
	`blocked_until` integer NOT NULL
);
