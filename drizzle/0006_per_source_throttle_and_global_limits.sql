CREATE TABLE `global_limits` (
	`name` text PRIMARY KEY NOT NULL,
	`window_start` integer NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `login_source_failures` (
	`username_canonical` text NOT NULL,
	`source` text NOT NULL,
	`failures` integer NOT NULL,
	`last_failed_at` integer NOT NULL,
	`blocked_until` integer NOT NULL,
	`attempt` text,
	PRIMARY KEY(`username_canonical`, `source`)
);
