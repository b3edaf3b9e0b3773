-- Create "administrators" table
CREATE TABLE `administrators` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `login` text NOT NULL, `name` text NOT NULL, `email` text NOT NULL, `company` text NULL, `phone` text NULL, `fax` text NULL, `address` text NULL, `city` text NULL, `state` text NULL, `postal_code` text NULL, `country` text NULL, `locale` text NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL);
-- Create index "administrators_login_key" to table: "administrators"
CREATE UNIQUE INDEX `administrators_login_key` ON `administrators` (`login`);
-- Create index "administrator_name" to table: "administrators"
CREATE INDEX `administrator_name` ON `administrators` (`name`);
-- Create index "administrator_email" to table: "administrators"
CREATE INDEX `administrator_email` ON `administrators` (`email`);
-- Create "audit_events" table
CREATE TABLE `audit_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `at` datetime NOT NULL, `actor_id` text NULL, `actor_login` text NULL, `actor_role` text NOT NULL, `action` text NOT NULL, `summary` text NOT NULL, `request_id` text NULL, `success` bool NOT NULL DEFAULT (true));
-- Set sequence for "audit_events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("audit_events", 4294967296);
-- Create index "auditevent_at" to table: "audit_events"
CREATE INDEX `auditevent_at` ON `audit_events` (`at`);
-- Create index "auditevent_action_at" to table: "audit_events"
CREATE INDEX `auditevent_action_at` ON `audit_events` (`action`, `at`);
-- Create index "auditevent_actor_id_at" to table: "audit_events"
CREATE INDEX `auditevent_actor_id_at` ON `audit_events` (`actor_id`, `at`);
-- Create "audit_scopes" table
CREATE TABLE `audit_scopes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `reseller_id` integer NOT NULL, `event_id` integer NOT NULL, CONSTRAINT `audit_scopes_audit_events_scopes` FOREIGN KEY (`event_id`) REFERENCES `audit_events` (`id`) ON DELETE CASCADE);
-- Set sequence for "audit_scopes" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("audit_scopes", 8589934592);
-- Create index "auditscope_reseller_id_event_id" to table: "audit_scopes"
CREATE UNIQUE INDEX `auditscope_reseller_id_event_id` ON `audit_scopes` (`reseller_id`, `event_id`);
-- Create "audit_targets" table
CREATE TABLE `audit_targets` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `target_id` text NOT NULL, `event_id` integer NOT NULL, CONSTRAINT `audit_targets_audit_events_targets` FOREIGN KEY (`event_id`) REFERENCES `audit_events` (`id`) ON DELETE CASCADE);
-- Set sequence for "audit_targets" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("audit_targets", 12884901888);
-- Create index "audittarget_target_id_event_id" to table: "audit_targets"
CREATE INDEX `audittarget_target_id_event_id` ON `audit_targets` (`target_id`, `event_id`);
-- Create "credentials" table
CREATE TABLE `credentials` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `login` text NOT NULL, `password_hash` text NOT NULL, `password_changed_at` datetime NOT NULL, `administrator_credential` integer NULL, `customer_credential` integer NULL, `panel_user_credential` integer NULL, `reseller_credential` integer NULL, CONSTRAINT `credentials_administrators_credential` FOREIGN KEY (`administrator_credential`) REFERENCES `administrators` (`id`) ON DELETE CASCADE, CONSTRAINT `credentials_customers_credential` FOREIGN KEY (`customer_credential`) REFERENCES `customers` (`id`) ON DELETE CASCADE, CONSTRAINT `credentials_panel_users_credential` FOREIGN KEY (`panel_user_credential`) REFERENCES `panel_users` (`id`) ON DELETE CASCADE, CONSTRAINT `credentials_resellers_credential` FOREIGN KEY (`reseller_credential`) REFERENCES `resellers` (`id`) ON DELETE CASCADE);
-- Set sequence for "credentials" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("credentials", 17179869184);
-- Create index "credentials_login_key" to table: "credentials"
CREATE UNIQUE INDEX `credentials_login_key` ON `credentials` (`login`);
-- Create index "credentials_administrator_credential_key" to table: "credentials"
CREATE UNIQUE INDEX `credentials_administrator_credential_key` ON `credentials` (`administrator_credential`);
-- Create index "credentials_customer_credential_key" to table: "credentials"
CREATE UNIQUE INDEX `credentials_customer_credential_key` ON `credentials` (`customer_credential`);
-- Create index "credentials_panel_user_credential_key" to table: "credentials"
CREATE UNIQUE INDEX `credentials_panel_user_credential_key` ON `credentials` (`panel_user_credential`);
-- Create index "credentials_reseller_credential_key" to table: "credentials"
CREATE UNIQUE INDEX `credentials_reseller_credential_key` ON `credentials` (`reseller_credential`);
-- Create "customers" table
CREATE TABLE `customers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `login` text NOT NULL, `name` text NOT NULL, `email` text NOT NULL, `company` text NULL, `phone` text NULL, `fax` text NULL, `address` text NULL, `city` text NULL, `state` text NULL, `postal_code` text NULL, `country` text NULL, `locale` text NULL, `status` text NOT NULL DEFAULT ('ACTIVE'), `suspended_admin_at` datetime NULL, `suspended_admin_reason` text NULL, `suspended_reseller_at` datetime NULL, `suspended_reseller_reason` text NULL, `suspended_parent_at` datetime NULL, `suspended_parent_reason` text NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `external_id` text NULL, `reseller_id` integer NULL, CONSTRAINT `customers_resellers_customers` FOREIGN KEY (`reseller_id`) REFERENCES `resellers` (`id`) ON DELETE SET NULL);
-- Set sequence for "customers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("customers", 21474836480);
-- Create index "customers_login_key" to table: "customers"
CREATE UNIQUE INDEX `customers_login_key` ON `customers` (`login`);
-- Create index "customers_external_id_key" to table: "customers"
CREATE UNIQUE INDEX `customers_external_id_key` ON `customers` (`external_id`);
-- Create index "customer_name" to table: "customers"
CREATE INDEX `customer_name` ON `customers` (`name`);
-- Create index "customer_email" to table: "customers"
CREATE INDEX `customer_email` ON `customers` (`email`);
-- Create index "customer_status" to table: "customers"
CREATE INDEX `customer_status` ON `customers` (`status`);
-- Create index "customer_reseller_id_status" to table: "customers"
CREATE INDEX `customer_reseller_id_status` ON `customers` (`reseller_id`, `status`);
-- Create index "customer_reseller_id_login" to table: "customers"
CREATE INDEX `customer_reseller_id_login` ON `customers` (`reseller_id`, `login`);
-- Create "descriptions" table
CREATE TABLE `descriptions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `side` text NOT NULL, `text` text NOT NULL, `updated_at` datetime NOT NULL, `customer_id` integer NULL, `reseller_id` integer NULL, `subject_reseller_id` integer NULL, CONSTRAINT `descriptions_customers_descriptions` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE, CONSTRAINT `descriptions_resellers_descriptions` FOREIGN KEY (`reseller_id`) REFERENCES `resellers` (`id`) ON DELETE CASCADE, CONSTRAINT `descriptions_resellers_notes` FOREIGN KEY (`subject_reseller_id`) REFERENCES `resellers` (`id`) ON DELETE CASCADE);
-- Set sequence for "descriptions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("descriptions", 25769803776);
-- Create index "description_customer_id_side_reseller_id" to table: "descriptions"
CREATE UNIQUE INDEX `description_customer_id_side_reseller_id` ON `descriptions` (`customer_id`, `side`, `reseller_id`);
-- Create index "description_subject_reseller_id_side_reseller_id" to table: "descriptions"
CREATE UNIQUE INDEX `description_subject_reseller_id_side_reseller_id` ON `descriptions` (`subject_reseller_id`, `side`, `reseller_id`);
-- Create index "description_reseller_id" to table: "descriptions"
CREATE INDEX `description_reseller_id` ON `descriptions` (`reseller_id`);
-- Create "domains" table
CREATE TABLE `domains` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL, `primary` bool NOT NULL DEFAULT (false), `created_at` datetime NOT NULL, `subscription_id` integer NOT NULL, CONSTRAINT `domains_hosting_subscriptions_domains` FOREIGN KEY (`subscription_id`) REFERENCES `hosting_subscriptions` (`id`) ON DELETE CASCADE);
-- Set sequence for "domains" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("domains", 30064771072);
-- Create index "domains_name_key" to table: "domains"
CREATE UNIQUE INDEX `domains_name_key` ON `domains` (`name`);
-- Create index "domain_subscription_id_primary" to table: "domains"
CREATE INDEX `domain_subscription_id_primary` ON `domains` (`subscription_id`, `primary`);
-- Create "hosting_subscriptions" table
CREATE TABLE `hosting_subscriptions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `limit_disk_space_mb` integer NULL, `limit_traffic_mb_per_month` integer NULL, `limit_domains` integer NULL, `limit_subdomains` integer NULL, `limit_mailboxes` integer NULL, `limit_databases` integer NULL, `limit_ftp_accounts` integer NULL, `permissions` json NOT NULL, `applications` json NOT NULL, `status` text NOT NULL DEFAULT ('ACTIVE'), `suspended_admin_at` datetime NULL, `suspended_admin_reason` text NULL, `suspended_reseller_at` datetime NULL, `suspended_reseller_reason` text NULL, `suspended_parent_at` datetime NULL, `suspended_parent_reason` text NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `plan_sync` text NOT NULL DEFAULT ('CUSTOM'), `expires_at` datetime NULL, `customer_id` integer NULL, `reseller_id` integer NULL, `service_plan_id` integer NULL, CONSTRAINT `hosting_subscriptions_customers_subscriptions` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE, CONSTRAINT `hosting_subscriptions_resellers_subscriptions` FOREIGN KEY (`reseller_id`) REFERENCES `resellers` (`id`) ON DELETE CASCADE, CONSTRAINT `hosting_subscriptions_service_plans_subscriptions` FOREIGN KEY (`service_plan_id`) REFERENCES `service_plans` (`id`) ON DELETE SET NULL);
-- Set sequence for "hosting_subscriptions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("hosting_subscriptions", 34359738368);
-- Create index "hostingsubscription_status" to table: "hosting_subscriptions"
CREATE INDEX `hostingsubscription_status` ON `hosting_subscriptions` (`status`);
-- Create index "hostingsubscription_customer_id_status" to table: "hosting_subscriptions"
CREATE INDEX `hostingsubscription_customer_id_status` ON `hosting_subscriptions` (`customer_id`, `status`);
-- Create index "hostingsubscription_reseller_id_status" to table: "hosting_subscriptions"
CREATE INDEX `hostingsubscription_reseller_id_status` ON `hosting_subscriptions` (`reseller_id`, `status`);
-- Create index "hostingsubscription_service_plan_id_plan_sync" to table: "hosting_subscriptions"
CREATE INDEX `hostingsubscription_service_plan_id_plan_sync` ON `hosting_subscriptions` (`service_plan_id`, `plan_sync`);
-- Create index "hostingsubscription_expires_at" to table: "hosting_subscriptions"
CREATE INDEX `hostingsubscription_expires_at` ON `hosting_subscriptions` (`expires_at`);
-- Create "login_throttles" table
CREATE TABLE `login_throttles` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `bucket` text NOT NULL, `slot` integer NOT NULL, `failures` integer NOT NULL DEFAULT (0));
-- Set sequence for "login_throttles" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("login_throttles", 38654705664);
-- Create index "login_throttles_bucket_key" to table: "login_throttles"
CREATE UNIQUE INDEX `login_throttles_bucket_key` ON `login_throttles` (`bucket`);
-- Create "panel_users" table
CREATE TABLE `panel_users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `login` text NOT NULL, `name` text NOT NULL, `email` text NOT NULL, `role` text NOT NULL DEFAULT ('WEBMASTER'), `customer_id` integer NULL, `reseller_id` integer NULL, CONSTRAINT `panel_users_customers_panel_users` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE, CONSTRAINT `panel_users_resellers_panel_users` FOREIGN KEY (`reseller_id`) REFERENCES `resellers` (`id`) ON DELETE CASCADE);
-- Set sequence for "panel_users" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("panel_users", 42949672960);
-- Create index "panel_users_login_key" to table: "panel_users"
CREATE UNIQUE INDEX `panel_users_login_key` ON `panel_users` (`login`);
-- Create index "paneluser_customer_id" to table: "panel_users"
CREATE INDEX `paneluser_customer_id` ON `panel_users` (`customer_id`);
-- Create index "paneluser_reseller_id" to table: "panel_users"
CREATE INDEX `paneluser_reseller_id` ON `panel_users` (`reseller_id`);
-- Create "resellers" table
CREATE TABLE `resellers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `login` text NOT NULL, `name` text NOT NULL, `email` text NOT NULL, `company` text NULL, `phone` text NULL, `fax` text NULL, `address` text NULL, `city` text NULL, `state` text NULL, `postal_code` text NULL, `country` text NULL, `locale` text NULL, `status` text NOT NULL DEFAULT ('ACTIVE'), `suspended_admin_at` datetime NULL, `suspended_admin_reason` text NULL, `suspended_reseller_at` datetime NULL, `suspended_reseller_reason` text NULL, `suspended_parent_at` datetime NULL, `suspended_parent_reason` text NULL, `limit_customers` integer NULL, `limit_subscriptions` integer NULL, `limit_disk_space_mb` integer NULL, `limit_traffic_mb_per_month` integer NULL, `limit_domains` integer NULL, `limit_mailboxes` integer NULL, `limit_databases` integer NULL, `permissions` json NOT NULL, `applications` json NOT NULL, `oversell` bool NOT NULL DEFAULT (false), `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `external_id` text NULL, `reseller_plan_id` integer NULL, CONSTRAINT `resellers_reseller_plans_resellers` FOREIGN KEY (`reseller_plan_id`) REFERENCES `reseller_plans` (`id`) ON DELETE SET NULL);
-- Set sequence for "resellers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("resellers", 47244640256);
-- Create index "resellers_login_key" to table: "resellers"
CREATE UNIQUE INDEX `resellers_login_key` ON `resellers` (`login`);
-- Create index "resellers_external_id_key" to table: "resellers"
CREATE UNIQUE INDEX `resellers_external_id_key` ON `resellers` (`external_id`);
-- Create index "reseller_name" to table: "resellers"
CREATE INDEX `reseller_name` ON `resellers` (`name`);
-- Create index "reseller_email" to table: "resellers"
CREATE INDEX `reseller_email` ON `resellers` (`email`);
-- Create index "reseller_status" to table: "resellers"
CREATE INDEX `reseller_status` ON `resellers` (`status`);
-- Create "reseller_plans" table
CREATE TABLE `reseller_plans` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `limit_customers` integer NULL, `limit_subscriptions` integer NULL, `limit_disk_space_mb` integer NULL, `limit_traffic_mb_per_month` integer NULL, `limit_domains` integer NULL, `limit_mailboxes` integer NULL, `limit_databases` integer NULL, `permissions` json NOT NULL, `applications` json NOT NULL, `oversell` bool NOT NULL DEFAULT (false), `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL);
-- Set sequence for "reseller_plans" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("reseller_plans", 51539607552);
-- Create "service_plans" table
CREATE TABLE `service_plans` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `limit_disk_space_mb` integer NULL, `limit_traffic_mb_per_month` integer NULL, `limit_domains` integer NULL, `limit_subdomains` integer NULL, `limit_mailboxes` integer NULL, `limit_databases` integer NULL, `limit_ftp_accounts` integer NULL, `permissions` json NOT NULL, `applications` json NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `reseller_id` integer NULL, CONSTRAINT `service_plans_resellers_service_plans` FOREIGN KEY (`reseller_id`) REFERENCES `resellers` (`id`) ON DELETE SET NULL);
-- Set sequence for "service_plans" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("service_plans", 55834574848);
-- Create index "serviceplan_reseller_id" to table: "service_plans"
CREATE INDEX `serviceplan_reseller_id` ON `service_plans` (`reseller_id`);
-- Create "sessions" table
CREATE TABLE `sessions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `kind` text NOT NULL, `token_hash` text NOT NULL, `name` text NULL, `read_only` bool NOT NULL DEFAULT (false), `expires_at` datetime NULL, `last_used_at` datetime NULL, `created_at` datetime NOT NULL, `credential_id` integer NOT NULL, CONSTRAINT `sessions_credentials_sessions` FOREIGN KEY (`credential_id`) REFERENCES `credentials` (`id`) ON DELETE CASCADE);
-- Set sequence for "sessions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("sessions", 60129542144);
-- Create index "sessions_token_hash_key" to table: "sessions"
CREATE UNIQUE INDEX `sessions_token_hash_key` ON `sessions` (`token_hash`);
-- Create index "session_credential_id_kind" to table: "sessions"
CREATE INDEX `session_credential_id_kind` ON `sessions` (`credential_id`, `kind`);
-- Create "ent_types" table
CREATE TABLE `ent_types` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `type` text NOT NULL);
-- Create index "ent_types_type_key" to table: "ent_types"
CREATE UNIQUE INDEX `ent_types_type_key` ON `ent_types` (`type`);
-- Add pk ranges for ('administrators'),('audit_events'),('audit_scopes'),('audit_targets'),('credentials'),('customers'),('descriptions'),('domains'),('hosting_subscriptions'),('login_throttles'),('panel_users'),('resellers'),('reseller_plans'),('service_plans'),('sessions') tables
INSERT INTO `ent_types` (`type`) VALUES ('administrators'), ('audit_events'), ('audit_scopes'), ('audit_targets'), ('credentials'), ('customers'), ('descriptions'), ('domains'), ('hosting_subscriptions'), ('login_throttles'), ('panel_users'), ('resellers'), ('reseller_plans'), ('service_plans'), ('sessions');
