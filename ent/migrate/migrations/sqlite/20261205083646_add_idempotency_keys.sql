-- Create "idempotency_keys" table
CREATE TABLE `idempotency_keys` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `principal` text NOT NULL, `key` text NOT NULL, `request_hash` text NOT NULL, `status` text NOT NULL DEFAULT ('pending'), `response` blob NULL, `http_status` integer NOT NULL DEFAULT (0), `created_at` datetime NOT NULL, `expires_at` datetime NOT NULL);
-- Set sequence for "idempotency_keys" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("idempotency_keys", 64424509440);
-- Create index "idempotencykey_principal_key" to table: "idempotency_keys"
CREATE UNIQUE INDEX `idempotencykey_principal_key` ON `idempotency_keys` (`principal`, `key`);
-- Create index "idempotencykey_expires_at" to table: "idempotency_keys"
CREATE INDEX `idempotencykey_expires_at` ON `idempotency_keys` (`expires_at`);
-- Add pk ranges for ('idempotency_keys') tables
INSERT INTO `ent_types` (`type`) VALUES ('idempotency_keys');
