-- Create "idempotency_keys" table
CREATE TABLE `idempotency_keys` (`id` bigint NOT NULL AUTO_INCREMENT, `principal` varchar(100) NOT NULL, `key` varchar(255) NOT NULL, `request_hash` varchar(64) NOT NULL, `status` enum('pending','done') NOT NULL DEFAULT 'pending', `response` longblob NULL, `http_status` bigint NOT NULL DEFAULT 0, `created_at` timestamp NULL, `expires_at` timestamp NULL, PRIMARY KEY (`id`), INDEX `idempotencykey_expires_at` (`expires_at`), UNIQUE INDEX `idempotencykey_principal_key` (`principal`, `key`)) CHARSET utf8mb4 COLLATE utf8mb4_bin AUTO_INCREMENT 64424509440;
-- Add pk ranges for ('idempotency_keys') tables
INSERT INTO `ent_types` (`type`) VALUES ('idempotency_keys');
