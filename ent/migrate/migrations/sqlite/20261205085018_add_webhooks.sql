-- Create "webhook_deliveries" table
CREATE TABLE `webhook_deliveries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `event_id` integer NOT NULL, `event_type` text NOT NULL, `chunk` integer NOT NULL DEFAULT (0), `chunks` integer NOT NULL DEFAULT (1), `payload` text NOT NULL, `status` text NOT NULL DEFAULT ('PENDING'), `attempts` integer NOT NULL DEFAULT (0), `response_status` integer NULL, `last_error` text NOT NULL DEFAULT (''), `next_attempt_at` datetime NULL, `locked_until` datetime NULL, `delivered_at` datetime NULL, `created_at` datetime NOT NULL, `endpoint_id` integer NOT NULL, CONSTRAINT `webhook_deliveries_webhook_endpoints_deliveries` FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoints` (`id`) ON DELETE CASCADE);
-- Set sequence for "webhook_deliveries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webhook_deliveries", 68719476736);
-- Create index "webhookdelivery_event_id_endpoint_id_event_type_chunk" to table: "webhook_deliveries"
CREATE UNIQUE INDEX `webhookdelivery_event_id_endpoint_id_event_type_chunk` ON `webhook_deliveries` (`event_id`, `endpoint_id`, `event_type`, `chunk`);
-- Create index "webhookdelivery_status_next_attempt_at" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_status_next_attempt_at` ON `webhook_deliveries` (`status`, `next_attempt_at`);
-- Create index "webhookdelivery_endpoint_id_created_at" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_endpoint_id_created_at` ON `webhook_deliveries` (`endpoint_id`, `created_at`);
-- Create "webhook_endpoints" table
CREATE TABLE `webhook_endpoints` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `url` text NOT NULL, `description` text NOT NULL DEFAULT (''), `event_types` json NOT NULL, `secret` text NOT NULL, `enabled` bool NOT NULL DEFAULT (true), `consecutive_failures` integer NOT NULL DEFAULT (0), `disabled_reason` text NOT NULL DEFAULT (''), `reseller_id` integer NULL, CONSTRAINT `webhook_endpoints_resellers_webhook_endpoints` FOREIGN KEY (`reseller_id`) REFERENCES `resellers` (`id`) ON DELETE CASCADE);
-- Set sequence for "webhook_endpoints" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webhook_endpoints", 73014444032);
-- Create "webhook_outbox" table
CREATE TABLE `webhook_outbox` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `event_id` integer NOT NULL, `event_type` text NOT NULL);
-- Set sequence for "webhook_outbox" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webhook_outbox", 77309411328);
-- Add pk ranges for ('webhook_deliveries'),('webhook_endpoints'),('webhook_outbox') tables
INSERT INTO `ent_types` (`type`) VALUES ('webhook_deliveries'), ('webhook_endpoints'), ('webhook_outbox');
