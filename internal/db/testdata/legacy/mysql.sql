CREATE TABLE `administrators` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `login` varchar(60) NOT NULL,
  `name` varchar(255) NOT NULL,
  `email` varchar(254) NOT NULL,
  `company` varchar(255) DEFAULT NULL,
  `phone` varchar(32) DEFAULT NULL,
  `fax` varchar(32) DEFAULT NULL,
  `address` varchar(500) DEFAULT NULL,
  `city` varchar(255) DEFAULT NULL,
  `state` varchar(255) DEFAULT NULL,
  `postal_code` varchar(32) DEFAULT NULL,
  `country` varchar(2) DEFAULT NULL,
  `locale` varchar(35) DEFAULT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `login` (`login`),
  KEY `administrator_name` (`name`),
  KEY `administrator_email` (`email`)
) ENGINE=InnoDB AUTO_INCREMENT=2 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO `administrators` VALUES (1,'admin','Administrator','admin@localhost',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-05 07:58:30','2026-12-05 07:58:30');
CREATE TABLE `audit_events` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `at` timestamp NULL DEFAULT NULL,
  `actor_id` varchar(32) DEFAULT NULL,
  `actor_login` varchar(60) DEFAULT NULL,
  `actor_role` varchar(16) NOT NULL,
  `action` varchar(64) NOT NULL,
  `summary` longtext NOT NULL,
  `request_id` varchar(64) DEFAULT NULL,
  `success` tinyint(1) NOT NULL DEFAULT 1,
  PRIMARY KEY (`id`),
  KEY `auditevent_at` (`at`),
  KEY `auditevent_action_at` (`action`,`at`),
  KEY `auditevent_actor_id_at` (`actor_id`,`at`)
) ENGINE=InnoDB AUTO_INCREMENT=4294967310 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO `audit_events` VALUES (4294967296,'2026-12-05 07:58:34',NULL,'admin','ANONYMOUS','auth.login_refused','login refused for admin: wrong password','46b42f908b47e36e',0);
INSERT INTO `audit_events` VALUES (4294967297,'2026-12-05 07:58:34','1','admin','ADMIN','reseller_plan.create','created reseller plan \"Gold\"','964adddd1130ecfb',1);
INSERT INTO `audit_events` VALUES (4294967298,'2026-12-05 07:58:34','1','admin','ADMIN','reseller.create','created reseller acme','e18cd1e03aa982cd',1);
INSERT INTO `audit_events` VALUES (4294967299,'2026-12-05 07:58:34','1','admin','ADMIN','service_plan.create','created service plan \"Basic\"','2a6d3f2d48cf7c5b',1);
INSERT INTO `audit_events` VALUES (4294967300,'2026-12-05 07:58:34','47244640256','acme','RESELLER','customer.create','created customer jdoe','9abc8e6136350477',1);
INSERT INTO `audit_events` VALUES (4294967301,'2026-12-05 07:58:34','1','admin','ADMIN','customer.create','created customer bob','5a791c984fe34673',1);
INSERT INTO `audit_events` VALUES (4294967302,'2026-12-05 07:58:34','47244640256','acme','RESELLER','subscription.create','created subscription jane.example','2763dc2926301852',1);
INSERT INTO `audit_events` VALUES (4294967303,'2026-12-05 07:58:34','1','admin','ADMIN','subscription.create','created subscription bob.example','a49b896bed501981',1);
INSERT INTO `audit_events` VALUES (4294967304,'2026-12-05 07:58:34','47244640256','acme','RESELLER','domain.add','added domain shop.jane.example to subscription jane.example','e0d2d48d74ab30a6',1);
INSERT INTO `audit_events` VALUES (4294967305,'2026-12-05 07:58:34','47244640256','acme','RESELLER','panel_user.create','created panel user jane-web','c4a4f66ca537af18',1);
INSERT INTO `audit_events` VALUES (4294967306,'2026-12-05 07:58:34','47244640256','acme','RESELLER','customer.description_set','set the reseller description of customer jdoe','40b3a1498d7d0dad',1);
INSERT INTO `audit_events` VALUES (4294967307,'2026-12-05 07:58:34','1','admin','ADMIN','customer.description_set','set the admin description of customer jdoe','9d57df431e180f4b',1);
INSERT INTO `audit_events` VALUES (4294967308,'2026-12-05 07:58:34','1','admin','ADMIN','customer.suspend','suspended 1 customers (1 subscriptions changed)','264b29e6602f8ad3',1);
INSERT INTO `audit_events` VALUES (4294967309,'2026-12-05 07:58:34','1','admin','ADMIN','auth.api_token_create','admin created read-only API token \"ci\"','37e7785a56a4e40d',1);
CREATE TABLE `audit_scopes` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `reseller_id` bigint(20) NOT NULL,
  `event_id` bigint(20) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `auditscope_reseller_id_event_id` (`reseller_id`,`event_id`),
  KEY `audit_scopes_audit_events_scopes` (`event_id`),
  CONSTRAINT `audit_scopes_audit_events_scopes` FOREIGN KEY (`event_id`) REFERENCES `audit_events` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB AUTO_INCREMENT=8589934600 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO `audit_scopes` VALUES (8589934592,47244640256,4294967298);
INSERT INTO `audit_scopes` VALUES (8589934593,47244640256,4294967299);
INSERT INTO `audit_scopes` VALUES (8589934594,47244640256,4294967300);
INSERT INTO `audit_scopes` VALUES (8589934595,47244640256,4294967302);
INSERT INTO `audit_scopes` VALUES (8589934596,47244640256,4294967304);
INSERT INTO `audit_scopes` VALUES (8589934597,47244640256,4294967305);
INSERT INTO `audit_scopes` VALUES (8589934598,47244640256,4294967306);
INSERT INTO `audit_scopes` VALUES (8589934599,47244640256,4294967307);
CREATE TABLE `audit_targets` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `target_id` varchar(32) NOT NULL,
  `event_id` bigint(20) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `audittarget_target_id_event_id` (`target_id`,`event_id`),
  KEY `audit_targets_audit_events_targets` (`event_id`),
  CONSTRAINT `audit_targets_audit_events_targets` FOREIGN KEY (`event_id`) REFERENCES `audit_events` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB AUTO_INCREMENT=12884901906 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO `audit_targets` VALUES (12884901904,'1',4294967309);
INSERT INTO `audit_targets` VALUES (12884901891,'21474836480',4294967300);
INSERT INTO `audit_targets` VALUES (12884901894,'21474836480',4294967302);
INSERT INTO `audit_targets` VALUES (12884901900,'21474836480',4294967305);
INSERT INTO `audit_targets` VALUES (12884901901,'21474836480',4294967306);
INSERT INTO `audit_targets` VALUES (12884901902,'21474836480',4294967307);
INSERT INTO `audit_targets` VALUES (12884901892,'21474836481',4294967301);
INSERT INTO `audit_targets` VALUES (12884901896,'21474836481',4294967303);
INSERT INTO `audit_targets` VALUES (12884901903,'21474836481',4294967308);
INSERT INTO `audit_targets` VALUES (12884901897,'30064771074',4294967304);
INSERT INTO `audit_targets` VALUES (12884901893,'34359738368',4294967302);
INSERT INTO `audit_targets` VALUES (12884901898,'34359738368',4294967304);
INSERT INTO `audit_targets` VALUES (12884901895,'34359738369',4294967303);
INSERT INTO `audit_targets` VALUES (12884901899,'42949672960',4294967305);
INSERT INTO `audit_targets` VALUES (12884901889,'47244640256',4294967298);
INSERT INTO `audit_targets` VALUES (12884901888,'51539607552',4294967297);
INSERT INTO `audit_targets` VALUES (12884901890,'55834574848',4294967299);
INSERT INTO `audit_targets` VALUES (12884901905,'60129542146',4294967309);
CREATE TABLE `credentials` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `login` varchar(60) NOT NULL,
  `password_hash` varchar(255) NOT NULL,
  `password_changed_at` timestamp NULL DEFAULT NULL,
  `administrator_credential` bigint(20) DEFAULT NULL,
  `customer_credential` bigint(20) DEFAULT NULL,
  `panel_user_credential` bigint(20) DEFAULT NULL,
  `reseller_credential` bigint(20) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `login` (`login`),
  UNIQUE KEY `administrator_credential` (`administrator_credential`),
  UNIQUE KEY `customer_credential` (`customer_credential`),
  UNIQUE KEY `panel_user_credential` (`panel_user_credential`),
  UNIQUE KEY `reseller_credential` (`reseller_credential`),
  CONSTRAINT `credentials_administrators_credential` FOREIGN KEY (`administrator_credential`) REFERENCES `administrators` (`id`) ON DELETE CASCADE,
  CONSTRAINT `credentials_customers_credential` FOREIGN KEY (`customer_credential`) REFERENCES `customers` (`id`) ON DELETE CASCADE,
  CONSTRAINT `credentials_panel_users_credential` FOREIGN KEY (`panel_user_credential`) REFERENCES `panel_users` (`id`) ON DELETE CASCADE,
  CONSTRAINT `credentials_resellers_credential` FOREIGN KEY (`reseller_credential`) REFERENCES `resellers` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB AUTO_INCREMENT=17179869189 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO `credentials` VALUES (17179869184,'admin','$argon2id$v=19$m=19456,t=2,p=1$vn0v4CvrOFN6ZKY5HyWGAw$uOfmhQ9YDj7C93aMcn7o0mL6uK7k3WtmT9bQKnFJIcw','2026-12-05 07:58:30',1,NULL,NULL,NULL);
INSERT INTO `credentials` VALUES (17179869185,'acme','$argon2id$v=19$m=19456,t=2,p=1$Kf+A1XFTJkjHTT8r6Gd4Xg$UfJY/LgkYrfQB9BlgmUX3rZCHt+xYkeOuOUn99ioCGs','2026-12-05 07:58:34',NULL,NULL,NULL,47244640256);
INSERT INTO `credentials` VALUES (17179869186,'jdoe','$argon2id$v=19$m=19456,t=2,p=1$O8XyV86LaYO8awR4Dtp6Ag$e8+/EE/enDR9wok99fOjGOkiY2UEX50fvMPQaWORYo8','2026-12-05 07:58:34',NULL,21474836480,NULL,NULL);
INSERT INTO `credentials` VALUES (17179869187,'bob','$argon2id$v=19$m=19456,t=2,p=1$KOOzn9dNxqBCVY0vlKWzKA$gQYHniymgJRR7RXowiNx+TN64708WiU7G3dGbiHqIjo','2026-12-05 07:58:34',NULL,21474836481,NULL,NULL);
INSERT INTO `credentials` VALUES (17179869188,'jane-web','$argon2id$v=19$m=19456,t=2,p=1$QbTBsFfHVjWrhgoHZ9siaA$IFsSEJJN9gqp5oaAy4Ykrcz3i4rMgR6JiUUX77EyJ8I','2026-12-05 07:58:34',NULL,NULL,42949672960,NULL);
CREATE TABLE `customers` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `login` varchar(60) NOT NULL,
  `name` varchar(255) NOT NULL,
  `email` varchar(254) NOT NULL,
  `company` varchar(255) DEFAULT NULL,
  `phone` varchar(32) DEFAULT NULL,
  `fax` varchar(32) DEFAULT NULL,
  `address` varchar(500) DEFAULT NULL,
  `city` varchar(255) DEFAULT NULL,
  `state` varchar(255) DEFAULT NULL,
  `postal_code` varchar(32) DEFAULT NULL,
  `country` varchar(2) DEFAULT NULL,
  `locale` varchar(35) DEFAULT NULL,
  `status` enum('ACTIVE','SUSPENDED') NOT NULL DEFAULT 'ACTIVE',
  `suspended_admin_at` timestamp NULL DEFAULT NULL,
  `suspended_admin_reason` varchar(1000) DEFAULT NULL,
  `suspended_reseller_at` timestamp NULL DEFAULT NULL,
  `suspended_reseller_reason` varchar(1000) DEFAULT NULL,
  `suspended_parent_at` timestamp NULL DEFAULT NULL,
  `suspended_parent_reason` varchar(1000) DEFAULT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  `external_id` varchar(128) DEFAULT NULL,
  `reseller_id` bigint(20) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `login` (`login`),
  UNIQUE KEY `external_id` (`external_id`),
  KEY `customer_name` (`name`),
  KEY `customer_email` (`email`),
  KEY `customer_status` (`status`),
  KEY `customer_reseller_id_status` (`reseller_id`,`status`),
  KEY `customer_reseller_id_login` (`reseller_id`,`login`),
  CONSTRAINT `customers_resellers_customers` FOREIGN KEY (`reseller_id`) REFERENCES `resellers` (`id`) ON DELETE SET NULL
) ENGINE=InnoDB AUTO_INCREMENT=21474836482 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO `customers` VALUES (21474836480,'jdoe','Jane Doe','jane@example.com','Doe & Sons',NULL,NULL,NULL,NULL,NULL,NULL,'DE',NULL,'ACTIVE',NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-05 07:58:34','2026-12-05 07:58:34',NULL,47244640256);
INSERT INTO `customers` VALUES (21474836481,'bob','Bob Ünicode','bob@example.com',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'SUSPENDED','2026-12-05 07:58:34','unpaid',NULL,NULL,NULL,NULL,'2026-12-05 07:58:34','2026-12-05 07:58:34',NULL,NULL);
CREATE TABLE `descriptions` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `side` enum('ADMIN','RESELLER') NOT NULL,
  `text` longtext NOT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  `customer_id` bigint(20) DEFAULT NULL,
  `reseller_id` bigint(20) DEFAULT NULL,
  `subject_reseller_id` bigint(20) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `description_customer_id_side_reseller_id` (`customer_id`,`side`,`reseller_id`),
  UNIQUE KEY `description_subject_reseller_id_side_reseller_id` (`subject_reseller_id`,`side`,`reseller_id`),
  KEY `description_reseller_id` (`reseller_id`),
  CONSTRAINT `descriptions_customers_descriptions` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE,
  CONSTRAINT `descriptions_resellers_descriptions` FOREIGN KEY (`reseller_id`) REFERENCES `resellers` (`id`) ON DELETE CASCADE,
  CONSTRAINT `descriptions_resellers_notes` FOREIGN KEY (`subject_reseller_id`) REFERENCES `resellers` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB AUTO_INCREMENT=25769803778 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO `descriptions` VALUES (25769803776,'RESELLER','pays late','2026-12-05 07:58:34',21474836480,47244640256,NULL);
INSERT INTO `descriptions` VALUES (25769803777,'ADMIN','VIP','2026-12-05 07:58:34',21474836480,NULL,NULL);
CREATE TABLE `domains` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `name` varchar(253) NOT NULL,
  `primary` tinyint(1) NOT NULL DEFAULT 0,
  `created_at` timestamp NULL DEFAULT NULL,
  `subscription_id` bigint(20) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `name` (`name`),
  KEY `domain_subscription_id_primary` (`subscription_id`,`primary`),
  CONSTRAINT `domains_hosting_subscriptions_domains` FOREIGN KEY (`subscription_id`) REFERENCES `hosting_subscriptions` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB AUTO_INCREMENT=30064771075 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO `domains` VALUES (30064771072,'jane.example',1,'2026-12-05 07:58:34',34359738368);
INSERT INTO `domains` VALUES (30064771073,'bob.example',1,'2026-12-05 07:58:34',34359738369);
INSERT INTO `domains` VALUES (30064771074,'shop.jane.example',0,'2026-12-05 07:58:34',34359738368);
CREATE TABLE `ent_types` (
  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `type` varchar(255) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `type` (`type`)
) ENGINE=InnoDB AUTO_INCREMENT=16 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO `ent_types` VALUES (1,'administrators');
INSERT INTO `ent_types` VALUES (2,'audit_events');
INSERT INTO `ent_types` VALUES (3,'audit_scopes');
INSERT INTO `ent_types` VALUES (4,'audit_targets');
INSERT INTO `ent_types` VALUES (5,'credentials');
INSERT INTO `ent_types` VALUES (6,'customers');
INSERT INTO `ent_types` VALUES (7,'descriptions');
INSERT INTO `ent_types` VALUES (8,'domains');
INSERT INTO `ent_types` VALUES (9,'hosting_subscriptions');
INSERT INTO `ent_types` VALUES (10,'login_throttles');
INSERT INTO `ent_types` VALUES (11,'panel_users');
INSERT INTO `ent_types` VALUES (13,'reseller_plans');
INSERT INTO `ent_types` VALUES (12,'resellers');
INSERT INTO `ent_types` VALUES (14,'service_plans');
INSERT INTO `ent_types` VALUES (15,'sessions');
CREATE TABLE `hosting_subscriptions` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `limit_disk_space_mb` bigint(20) DEFAULT NULL,
  `limit_traffic_mb_per_month` bigint(20) DEFAULT NULL,
  `limit_domains` bigint(20) DEFAULT NULL,
  `limit_subdomains` bigint(20) DEFAULT NULL,
  `limit_mailboxes` bigint(20) DEFAULT NULL,
  `limit_databases` bigint(20) DEFAULT NULL,
  `limit_ftp_accounts` bigint(20) DEFAULT NULL,
  `permissions` longtext NOT NULL CHECK (json_valid(`permissions`)),
  `applications` longtext NOT NULL CHECK (json_valid(`applications`)),
  `status` enum('ACTIVE','SUSPENDED') NOT NULL DEFAULT 'ACTIVE',
  `suspended_admin_at` timestamp NULL DEFAULT NULL,
  `suspended_admin_reason` varchar(1000) DEFAULT NULL,
  `suspended_reseller_at` timestamp NULL DEFAULT NULL,
  `suspended_reseller_reason` varchar(1000) DEFAULT NULL,
  `suspended_parent_at` timestamp NULL DEFAULT NULL,
  `suspended_parent_reason` varchar(1000) DEFAULT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  `name` varchar(253) NOT NULL,
  `plan_sync` enum('SYNCED','LOCKED','CUSTOM') NOT NULL DEFAULT 'CUSTOM',
  `expires_at` timestamp NULL DEFAULT NULL,
  `customer_id` bigint(20) DEFAULT NULL,
  `reseller_id` bigint(20) DEFAULT NULL,
  `service_plan_id` bigint(20) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `hostingsubscription_status` (`status`),
  KEY `hostingsubscription_customer_id_status` (`customer_id`,`status`),
  KEY `hostingsubscription_reseller_id_status` (`reseller_id`,`status`),
  KEY `hostingsubscription_service_plan_id_plan_sync` (`service_plan_id`,`plan_sync`),
  KEY `hostingsubscription_expires_at` (`expires_at`),
  CONSTRAINT `hosting_subscriptions_customers_subscriptions` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE,
  CONSTRAINT `hosting_subscriptions_resellers_subscriptions` FOREIGN KEY (`reseller_id`) REFERENCES `resellers` (`id`) ON DELETE CASCADE,
  CONSTRAINT `hosting_subscriptions_service_plans_subscriptions` FOREIGN KEY (`service_plan_id`) REFERENCES `service_plans` (`id`) ON DELETE SET NULL
) ENGINE=InnoDB AUTO_INCREMENT=34359738370 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO `hosting_subscriptions` VALUES (34359738368,1000,NULL,3,NULL,NULL,NULL,NULL,'[\"MANAGE_MAIL\"]','[]','ACTIVE',NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-05 07:58:34','2026-12-05 07:58:34','jane.example','SYNCED',NULL,21474836480,NULL,55834574848);
INSERT INTO `hosting_subscriptions` VALUES (34359738369,NULL,NULL,2,NULL,NULL,NULL,NULL,'[]','[]','SUSPENDED',NULL,NULL,NULL,NULL,'2026-12-05 07:58:34',NULL,'2026-12-05 07:58:34','2026-12-05 07:58:34','bob.example','CUSTOM','2030-01-01 00:00:00',21474836481,NULL,NULL);
CREATE TABLE `login_throttles` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `bucket` varchar(80) NOT NULL,
  `slot` bigint(20) NOT NULL,
  `failures` bigint(20) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  UNIQUE KEY `bucket` (`bucket`)
) ENGINE=InnoDB AUTO_INCREMENT=38654705666 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO `login_throttles` VALUES (38654705664,'l:8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918',1996063,1);
INSERT INTO `login_throttles` VALUES (38654705665,'a:127.0.0.1',1996063,1);
CREATE TABLE `panel_users` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  `login` varchar(60) NOT NULL,
  `name` varchar(255) NOT NULL,
  `email` varchar(254) NOT NULL,
  `role` enum('ADMIN','WEBMASTER','ACCOUNTANT') NOT NULL DEFAULT 'WEBMASTER',
  `customer_id` bigint(20) DEFAULT NULL,
  `reseller_id` bigint(20) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `login` (`login`),
  KEY `paneluser_customer_id` (`customer_id`),
  KEY `paneluser_reseller_id` (`reseller_id`),
  CONSTRAINT `panel_users_customers_panel_users` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE,
  CONSTRAINT `panel_users_resellers_panel_users` FOREIGN KEY (`reseller_id`) REFERENCES `resellers` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB AUTO_INCREMENT=42949672961 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO `panel_users` VALUES (42949672960,'2026-12-05 07:58:34','2026-12-05 07:58:34','jane-web','Jane Web','web@jane.example','WEBMASTER',21474836480,NULL);
CREATE TABLE `reseller_plans` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `limit_customers` bigint(20) DEFAULT NULL,
  `limit_subscriptions` bigint(20) DEFAULT NULL,
  `limit_disk_space_mb` bigint(20) DEFAULT NULL,
  `limit_traffic_mb_per_month` bigint(20) DEFAULT NULL,
  `limit_domains` bigint(20) DEFAULT NULL,
  `limit_mailboxes` bigint(20) DEFAULT NULL,
  `limit_databases` bigint(20) DEFAULT NULL,
  `permissions` longtext NOT NULL CHECK (json_valid(`permissions`)),
  `applications` longtext NOT NULL CHECK (json_valid(`applications`)),
  `oversell` tinyint(1) NOT NULL DEFAULT 0,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  `name` varchar(100) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB AUTO_INCREMENT=51539607553 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO `reseller_plans` VALUES (51539607552,50,NULL,NULL,NULL,100,NULL,NULL,'[\"MANAGE_DNS\"]','[]',0,'2026-12-05 07:58:34','2026-12-05 07:58:34','Gold');
CREATE TABLE `resellers` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `login` varchar(60) NOT NULL,
  `name` varchar(255) NOT NULL,
  `email` varchar(254) NOT NULL,
  `company` varchar(255) DEFAULT NULL,
  `phone` varchar(32) DEFAULT NULL,
  `fax` varchar(32) DEFAULT NULL,
  `address` varchar(500) DEFAULT NULL,
  `city` varchar(255) DEFAULT NULL,
  `state` varchar(255) DEFAULT NULL,
  `postal_code` varchar(32) DEFAULT NULL,
  `country` varchar(2) DEFAULT NULL,
  `locale` varchar(35) DEFAULT NULL,
  `status` enum('ACTIVE','SUSPENDED') NOT NULL DEFAULT 'ACTIVE',
  `suspended_admin_at` timestamp NULL DEFAULT NULL,
  `suspended_admin_reason` varchar(1000) DEFAULT NULL,
  `suspended_reseller_at` timestamp NULL DEFAULT NULL,
  `suspended_reseller_reason` varchar(1000) DEFAULT NULL,
  `suspended_parent_at` timestamp NULL DEFAULT NULL,
  `suspended_parent_reason` varchar(1000) DEFAULT NULL,
  `limit_customers` bigint(20) DEFAULT NULL,
  `limit_subscriptions` bigint(20) DEFAULT NULL,
  `limit_disk_space_mb` bigint(20) DEFAULT NULL,
  `limit_traffic_mb_per_month` bigint(20) DEFAULT NULL,
  `limit_domains` bigint(20) DEFAULT NULL,
  `limit_mailboxes` bigint(20) DEFAULT NULL,
  `limit_databases` bigint(20) DEFAULT NULL,
  `permissions` longtext NOT NULL CHECK (json_valid(`permissions`)),
  `applications` longtext NOT NULL CHECK (json_valid(`applications`)),
  `oversell` tinyint(1) NOT NULL DEFAULT 0,
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  `external_id` varchar(128) DEFAULT NULL,
  `reseller_plan_id` bigint(20) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `login` (`login`),
  UNIQUE KEY `external_id` (`external_id`),
  KEY `reseller_name` (`name`),
  KEY `reseller_email` (`email`),
  KEY `reseller_status` (`status`),
  KEY `resellers_reseller_plans_resellers` (`reseller_plan_id`),
  CONSTRAINT `resellers_reseller_plans_resellers` FOREIGN KEY (`reseller_plan_id`) REFERENCES `reseller_plans` (`id`) ON DELETE SET NULL
) ENGINE=InnoDB AUTO_INCREMENT=47244640257 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO `resellers` VALUES (47244640256,'acme','ACME Hosting','ops@acme.example',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'DE',NULL,'ACTIVE',NULL,NULL,NULL,NULL,NULL,NULL,50,NULL,NULL,NULL,100,NULL,NULL,'[\"MANAGE_DNS\"]','[]',0,'2026-12-05 07:58:34','2026-12-05 07:58:34',NULL,51539607552);
CREATE TABLE `service_plans` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `limit_disk_space_mb` bigint(20) DEFAULT NULL,
  `limit_traffic_mb_per_month` bigint(20) DEFAULT NULL,
  `limit_domains` bigint(20) DEFAULT NULL,
  `limit_subdomains` bigint(20) DEFAULT NULL,
  `limit_mailboxes` bigint(20) DEFAULT NULL,
  `limit_databases` bigint(20) DEFAULT NULL,
  `limit_ftp_accounts` bigint(20) DEFAULT NULL,
  `permissions` longtext NOT NULL CHECK (json_valid(`permissions`)),
  `applications` longtext NOT NULL CHECK (json_valid(`applications`)),
  `created_at` timestamp NULL DEFAULT NULL,
  `updated_at` timestamp NULL DEFAULT NULL,
  `name` varchar(100) NOT NULL,
  `reseller_id` bigint(20) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `serviceplan_reseller_id` (`reseller_id`),
  CONSTRAINT `service_plans_resellers_service_plans` FOREIGN KEY (`reseller_id`) REFERENCES `resellers` (`id`) ON DELETE SET NULL
) ENGINE=InnoDB AUTO_INCREMENT=55834574849 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO `service_plans` VALUES (55834574848,1000,NULL,3,NULL,NULL,NULL,NULL,'[\"MANAGE_MAIL\"]','[]','2026-12-05 07:58:34','2026-12-05 07:58:34','Basic',47244640256);
CREATE TABLE `sessions` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `kind` enum('SESSION','API_TOKEN','PASSWORD_RESET') NOT NULL,
  `token_hash` varchar(64) NOT NULL,
  `name` varchar(100) DEFAULT NULL,
  `read_only` tinyint(1) NOT NULL DEFAULT 0,
  `expires_at` timestamp NULL DEFAULT NULL,
  `last_used_at` timestamp NULL DEFAULT NULL,
  `created_at` timestamp NULL DEFAULT NULL,
  `credential_id` bigint(20) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `token_hash` (`token_hash`),
  KEY `session_credential_id_kind` (`credential_id`,`kind`),
  CONSTRAINT `sessions_credentials_sessions` FOREIGN KEY (`credential_id`) REFERENCES `credentials` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB AUTO_INCREMENT=60129542147 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO `sessions` VALUES (60129542144,'SESSION','ecde23cbb925bdd0ca36af75ed6acdf244c7cdcda758a80deabbaedcbab4182b',NULL,0,'2026-12-05 19:58:34',NULL,'2026-12-05 07:58:34',17179869184);
INSERT INTO `sessions` VALUES (60129542145,'SESSION','e7c9a1e41444ae7d538f75bdc00263f96e578c8bdf265226cd90534591c7dda7',NULL,0,'2026-12-05 19:58:34',NULL,'2026-12-05 07:58:34',17179869185);
INSERT INTO `sessions` VALUES (60129542146,'API_TOKEN','cc45aa4a1aa32f99cdef4d279c2df9f72c54ece493a5066c031db871df0a5f6e','ci',1,NULL,NULL,'2026-12-05 07:58:34',17179869184);
