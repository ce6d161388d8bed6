import Foundation
internal import GRDB
import Model

/// The schema, one migration per change; a database is always brought to the newest before use.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-inventory") { db in
            try db.create(table: "revisions") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("applied_at", .datetime).notNull()
                t.column("source", .text).notNull()
                t.column("added", .integer).notNull()
                t.column("changed", .integer).notNull()
                t.column("removed", .integer).notNull()
                t.column("configuration", .blob).notNull()
            }
            let extraColumns: [EntityKind: [String]] = [
                .node: ["kind", "county"], .link: ["tier", "a_device", "b_device"], .school: ["county", "kind"],
                .device: ["role", "school", "node"],
            ]
            // The kinds there were then; later kinds get their tables in their own migration.
            let kinds: [EntityKind] = [.county, .node, .link, .school, .device, .snmpProfile, .cloudSite, .cloudHost, .cloudService]
            for kind in kinds { try createEntityTable(kind, extraColumns: extraColumns[kind] ?? [], db) }
        }
        migrator.registerMigration("v2-interface-rates") { db in
            // One row per interface and poll interval; unknown intervals keep their reason and no rate.
            try db.create(table: "interface_rates", options: [.withoutRowID]) { t in
                t.column("device", .text).notNull()
                t.column("interface", .text).notNull()
                t.column("time", .double).notNull()  // seconds since 1970, end of the interval
                t.column("in_bps", .double)
                t.column("out_bps", .double)
                t.column("unknown", .text)
                t.primaryKey(["device", "interface", "time"])
            }
            try db.create(index: "interface_rates_time", on: "interface_rates", columns: ["time"])
        }
        migrator.registerMigration("v3-daemon-status") { db in
            // One row: the daemon's last report about itself, as JSON.
            try db.create(table: "daemon_status") { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
                t.column("status", .blob).notNull()
            }
        }
        migrator.registerMigration("v4-rollups") { db in
            // Five-minute roll-ups of interface rates: mean and max per direction over the measured intervals,
            // and how many intervals there were and how many of them were measured.
            try db.create(table: "interface_rollups_5m", options: [.withoutRowID]) { t in
                t.column("device", .text).notNull()
                t.column("interface", .text).notNull()
                t.column("bucket", .double).notNull()  // start of the five minutes, seconds since 1970
                t.column("in_mean", .double)
                t.column("in_max", .double)
                t.column("out_mean", .double)
                t.column("out_max", .double)
                t.column("intervals", .integer).notNull()
                t.column("measured", .integer).notNull()
                t.primaryKey(["device", "interface", "bucket"])
            }
            try db.create(index: "interface_rollups_5m_bucket", on: "interface_rollups_5m", columns: ["bucket"])
        }
        migrator.registerMigration("v5-access-points-and-hosts") { db in
            // What a controller said about each of its APs at each poll (AP up-time and clients come from here).
            try db.create(table: "access_point_samples", options: [.withoutRowID]) { t in
                t.column("controller", .text).notNull()
                t.column("ap_index", .text).notNull()
                t.column("time", .double).notNull()
                t.column("name", .text).notNull()
                t.column("up", .boolean)
                t.column("state", .text)
                t.column("clients", .integer)
                t.column("radios", .integer).notNull()
                t.column("radios_up", .integer)
                t.column("uplink_mbps", .integer)
                t.column("max_rate_mbps", .double)
                t.primaryKey(["controller", "ap_index", "time"])
            }
            try db.create(index: "access_point_samples_name", on: "access_point_samples", columns: ["name", "time"])
            try db.create(index: "access_point_samples_time", on: "access_point_samples", columns: ["time"])
            // Every interface of a device as its last poll found it (one set a device, replaced at each poll).
            try db.create(table: "interface_status", options: [.withoutRowID]) { t in
                t.column("device", .text).notNull()
                t.column("interface", .text).notNull()
                t.column("seen_at", .double).notNull()
                t.column("status", .blob).notNull()  // InterfaceStatus as JSON
                t.primaryKey(["device", "interface"])
            }
            // A server's processor load and storage at each poll (the compute pool's use).
            try db.create(table: "host_samples", options: [.withoutRowID]) { t in
                t.column("device", .text).notNull()
                t.column("time", .double).notNull()
                t.column("cpu_load", .double)
                t.column("memory_used", .integer)
                t.column("memory_size", .integer)
                t.column("disk_used", .integer)
                t.column("disk_size", .integer)
                t.primaryKey(["device", "time"])
            }
        }
        migrator.registerMigration("v6-interface-series") { db in
            // Rates and roll-ups keyed by a small integer per (device, interface) instead of the two names on every
            // row, rates as whole bits per second: rows of about 30 bytes instead of 90. No time index: pruning and
            // rolling up go series by series along the primary key, and the roll-up watermark is kept in one row.
            try db.create(table: "interface_series") { t in
                t.primaryKey("id", .integer)
                t.column("device", .text).notNull()
                t.column("interface", .text).notNull()
                t.uniqueKey(["device", "interface"])
            }
            try db.execute(
                sql: """
                    INSERT INTO interface_series (device, interface)
                    SELECT device, interface FROM interface_rates UNION SELECT device, interface FROM interface_rollups_5m
                    """)
            try db.create(table: "rates", options: [.withoutRowID]) { t in
                t.column("series", .integer).notNull()
                t.column("time", .double).notNull()  // seconds since 1970, end of the interval
                t.column("in_bps", .integer)
                t.column("out_bps", .integer)
                t.column("unknown", .text)
                t.primaryKey(["series", "time"])
            }
            try db.execute(
                sql: """
                    INSERT INTO rates SELECT s.id, r.time, CAST(ROUND(r.in_bps) AS INTEGER), CAST(ROUND(r.out_bps) AS INTEGER), r.unknown
                    FROM interface_rates r JOIN interface_series s ON s.device = r.device AND s.interface = r.interface
                    """)
            try db.drop(table: "interface_rates")
            try db.rename(table: "rates", to: "interface_rates")
            try db.create(table: "rollups", options: [.withoutRowID]) { t in
                t.column("series", .integer).notNull()
                t.column("bucket", .double).notNull()  // start of the five minutes, seconds since 1970
                t.column("in_mean", .integer)
                t.column("in_max", .integer)
                t.column("out_mean", .integer)
                t.column("out_max", .integer)
                t.column("intervals", .integer).notNull()
                t.column("measured", .integer).notNull()
                t.primaryKey(["series", "bucket"])
            }
            try db.execute(
                sql: """
                    INSERT INTO rollups SELECT s.id, r.bucket, CAST(ROUND(r.in_mean) AS INTEGER), CAST(ROUND(r.in_max) AS INTEGER),
                        CAST(ROUND(r.out_mean) AS INTEGER), CAST(ROUND(r.out_max) AS INTEGER), r.intervals, r.measured
                    FROM interface_rollups_5m r JOIN interface_series s ON s.device = r.device AND s.interface = r.interface
                    """)
            try db.create(table: "rollup_progress") { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
                t.column("through", .double).notNull()  // every five minutes that ended by then is rolled up
            }
            try db.execute(sql: "INSERT INTO rollup_progress (id, through) SELECT 1, MAX(bucket) + 300 FROM interface_rollups_5m HAVING COUNT(*) > 0")
            try db.drop(table: "interface_rollups_5m")
            try db.rename(table: "rollups", to: "interface_rollups_5m")
        }
        migrator.registerMigration("v7-alerts") { db in
            // One row per fingerprint; times are seconds since 1970; labels, summary and parents are JSON.
            try db.create(table: "alerts") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("fingerprint", .text).notNull().unique()
                t.column("rule", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("state", .text).notNull().indexed()
                t.column("severity", .text).notNull()
                t.column("labels", .text).notNull()
                t.column("summary_zh", .text).notNull()
                t.column("summary_en", .text).notNull()
                t.column("parents", .text).notNull()
                t.column("starts_at", .double).notNull()
                t.column("ends_at", .double)
                t.column("last_seen_at", .double).notNull()
                t.column("expires_at", .double)
                t.column("flapping", .boolean).notNull()
                t.column("notified_state", .text)
                t.column("notified_severity", .text)
                t.column("acknowledged_by", .text)
                t.column("acknowledged_at", .double)
            }
            try db.create(table: "alert_transitions") { t in
                t.column("alert_id", .integer).notNull().references("alerts", onDelete: .cascade)
                t.column("at", .double).notNull()
                t.column("state", .text).notNull()
                t.column("severity", .text).notNull()
                t.column("note", .text)
            }
            try db.create(index: "alert_transitions_by_alert", on: "alert_transitions", columns: ["alert_id", "at"])
            try db.create(index: "alert_transitions_by_time", on: "alert_transitions", columns: ["at"])
            // A change of an alert that a receiver must hear about, written with the change itself; grouped into an
            // outbox message when its group is due (message_id set), or dropped when it no longer needs saying.
            try db.create(table: "alert_notifications") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("alert_id", .integer).notNull().references("alerts", onDelete: .cascade)
                t.column("receiver", .text).notNull()
                t.column("group_key", .text).notNull()
                t.column("group_labels", .text).notNull()
                t.column("state", .text).notNull()
                t.column("severity", .text).notNull()
                t.column("created_at", .double).notNull()
                t.column("status", .text).notNull()  // pending, grouped, dropped
                t.column("message_id", .integer)
            }
            try db.execute(sql: "CREATE INDEX alert_notifications_pending ON alert_notifications(receiver, group_key, id) WHERE status = 'pending'")
            try db.create(table: "alert_groups", options: [.withoutRowID]) { t in
                t.column("receiver", .text).notNull()
                t.column("group_key", .text).notNull()
                t.column("labels", .text).notNull()
                t.column("last_message_at", .double).notNull()
                t.primaryKey(["receiver", "group_key"])
            }
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("webhook_id", .text).notNull().unique()
                t.column("receiver", .text).notNull()
                t.column("content", .blob).notNull()
                t.column("created_at", .double).notNull()
                t.column("state", .text).notNull()  // pending, delivered, dead
                t.column("attempts", .integer).notNull()
                t.column("next_attempt_at", .double).notNull()
                t.column("last_attempt_at", .double)
                t.column("last_status", .integer)
                t.column("last_error", .text)
                t.column("delivered_at", .double)
            }
            try db.execute(sql: "CREATE INDEX outbox_pending ON outbox(receiver, id) WHERE state = 'pending'")
            try db.execute(sql: "CREATE INDEX outbox_by_state ON outbox(state, id)")
            try db.create(table: "silences") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("kind", .text).notNull()
                t.column("matchers", .text).notNull()
                t.column("starts_at", .double).notNull()
                t.column("ends_at", .double).notNull()
                t.column("author", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("created_at", .double).notNull()
                t.column("expired_at", .double)
            }
        }
        migrator.registerMigration("v8-fleet") { db in
            // The e-book terminal register: one row a terminal, its Wi-Fi addresses (a MAC is on one terminal at most,
            // as terminal_macs keeps them), where the network last saw it.
            try db.create(table: "terminals") { t in
                t.primaryKey("serial", .text)
                t.column("macs", .text).notNull()  // canonical, comma-separated
                t.column("model", .text)
                t.column("os_version", .text)
                t.column("batch", .text)
                t.column("purchased", .text)
                t.column("warranty_end", .text)
                t.column("school", .text).notNull().indexed()
                t.column("state", .text).notNull()
                t.column("holder", .text).indexed()
                t.column("changed_at", .double).notNull()  // the register's last change of it
                t.column("last_seen_at", .double)
                t.column("last_seen_controller", .text)
                t.column("last_seen_ap", .text)
                t.column("last_seen_ssid", .text)
                // 1 while the last poll of last_seen_controller listed it: then it was last seen at that poll
                // (controller_polls), and last_seen_at is when this association began.
                t.column("present", .integer).notNull().defaults(to: 0)
            }
            // Each controller's latest poll that read its client table.
            try db.create(table: "controller_polls") { t in
                t.primaryKey("controller", .text)
                t.column("polled_at", .double).notNull()
            }
            try db.create(table: "terminal_macs", options: [.withoutRowID]) { t in
                t.primaryKey("mac", .integer)
                t.column("serial", .text).notNull().indexed().references("terminals", onDelete: .cascade)
            }
            // The days the network saw a terminal: one row a terminal and month (yyyymm, city time), a bit a day.
            try db.create(table: "terminal_days", options: [.withoutRowID]) { t in
                t.column("serial", .text).notNull()
                t.column("month", .integer).notNull()
                t.column("days", .integer).notNull()
                t.primaryKey(["serial", "month"])
            }
            // Students and teachers by school and class; the id is personal data (never in a log or an alert).
            try db.create(table: "roster", options: [.withoutRowID]) { t in
                t.primaryKey("id", .text)
                t.column("school", .text).notNull()
                t.column("class", .text).notNull()
                t.column("role", .text).notNull()
                t.column("name", .text)
            }
            try db.create(index: "roster_by_class", on: "roster", columns: ["school", "class"])
            // Every change of the register as one operation (import, bulk assign, one terminal's move) and the
            // terminals' states before and after it, appended and never updated (but an undo's mark).
            try db.create(table: "fleet_operations") { t in
                t.primaryKey("id", .text)
                t.column("kind", .text).notNull()
                t.column("at", .double).notNull()
                t.column("by", .text).notNull()
                t.column("why", .text).notNull()
                t.column("terminals", .integer).notNull()
                t.column("undone_by", .text)
            }
            try db.create(table: "terminal_history") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("serial", .text).notNull().indexed()
                t.column("operation", .text).notNull().indexed()
                t.column("at", .double).notNull()
                t.column("by", .text).notNull()
                t.column("why", .text).notNull()
                t.column("before", .blob)  // nil: the change added the terminal
                t.column("after", .blob)  // nil: the change removed it (an undone import)
            }
            // Bumped by every change of the register, so that a change planned against one version is refused on another.
            try db.create(table: "fleet_version") { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
                t.column("version", .integer).notNull()
            }
            try db.execute(sql: "INSERT INTO fleet_version (id, version) VALUES (1, 0)")
            // What the clients of each AP are associated at (the median over clients with a known rate).
            try db.alter(table: "access_point_samples") { t in t.add(column: "client_rate_mbps", .double) }
        }
        migrator.registerMigration("v9-pool") { db in
            // The education cloud's allocations: one row each, released ones kept (released_at set); their history
            // is append-only.
            try db.create(table: "pool_allocations") { t in
                t.primaryKey("id", .integer)
                t.column("tenant", .text).notNull().indexed()
                t.column("name", .text).notNull()
                t.column("service", .text)
                t.column("site", .text).notNull()
                t.column("vcpus", .integer).notNull()
                t.column("memory", .integer).notNull()  // bytes
                t.column("storage", .integer).notNull()  // bytes
                t.column("forced", .boolean).notNull()
                t.column("created_at", .double).notNull()
                t.column("released_at", .double)
            }
            try db.create(table: "pool_history") { t in
                t.primaryKey("seq", .integer)
                t.column("at", .double).notNull()
                t.column("allocation", .integer).notNull().indexed()
                t.column("action", .text).notNull()  // allocate, release
                t.column("forced", .boolean).notNull()
                t.column("by", .text).notNull()
                t.column("why", .text).notNull()
                t.column("verdict", .text)  // what admission control said, when it was forced past a refusal
            }
            // Storage use by day, per host and file system, as the sums a least-squares fit needs (t in seconds from
            // the day's start), so that the trend over 30 days of polls is exact from 30 rows.
            try db.create(table: "host_storage_days", options: [.withoutRowID]) { t in
                t.column("device", .text).notNull()
                t.column("storage", .text).notNull()  // hrStorageDescr
                t.column("day", .double).notNull()  // start of the UTC day, seconds since 1970
                t.column("n", .integer).notNull()
                t.column("sum_t", .double).notNull()
                t.column("sum_u", .double).notNull()
                t.column("sum_tt", .double).notNull()
                t.column("sum_tu", .double).notNull()
                t.column("size", .integer).notNull()  // bytes, at the day's last sample
                t.column("first_time", .double).notNull()
                t.column("last_time", .double).notNull()
                t.column("last_used", .integer).notNull()
                t.primaryKey(["device", "storage", "day"])
            }
            // The last answer of each service replica's health check.
            try db.create(table: "service_health", options: [.withoutRowID]) { t in
                t.column("service", .text).notNull()
                t.column("site", .text).notNull()
                t.column("checked_at", .double).notNull()
                t.column("ok", .boolean).notNull()
                t.column("detail", .text).notNull()
                t.primaryKey(["service", "site"])
            }
        }
        migrator.registerMigration("v10-host-percentiles") { db in
            // Each server's p95 of processor load and memory in use over the window it was last worked out for, kept
            // while exact (PoolStore.hostPercentiles), so that an allocation request does not rank a week of polls.
            try db.create(table: "host_percentiles", options: [.withoutRowID]) { t in
                t.primaryKey("device", .text)
                t.column("window_from", .double).notNull()
                t.column("window_to", .double).notNull()
                t.column("samples", .integer).notNull()
                t.column("cpu", .double)
                t.column("memory", .integer)
            }
        }
        migrator.registerMigration("v11-storage-pools-and-platforms") { db in
            // The pool's storage pools and platforms as entities, so that a diff and a revision count them; filled
            // from the current revision, so that the next diff does not show them all as added.
            try createEntityTable(.storagePool, extraColumns: [], db)
            try createEntityTable(.platform, extraColumns: [], db)
            struct Stored: Decodable { var inventory: Inventory }
            guard let data = try Data.fetchOne(db, sql: "SELECT configuration FROM revisions ORDER BY id DESC LIMIT 1") else { return }
            // A revision that cannot be read leaves them empty (reading the configuration says what is wrong with it);
            // the next apply fills them.
            guard let stored = try? JSONDecoder().decode(Stored.self, from: data) else { return }
            let records = try stored.inventory.records()
            for kind in [EntityKind.storagePool, .platform] { try kind.replaceRecords(with: records[kind] ?? [], db) }
        }
        migrator.registerMigration("v12-host-uptime") { db in
            // hrSystemUptime at each server poll, and each restart the polls saw (an uptime that fell back), so that
            // `edunet pool hosts` says how long a host has been up and how often it restarted without reading its polls.
            try db.alter(table: "host_samples") { t in t.add(column: "uptime", .double) }
            try db.create(table: "host_restarts", options: [.withoutRowID]) { t in
                t.column("device", .text).notNull()
                t.column("time", .double).notNull()  // the poll that found the host restarted
                t.column("booted_at", .double).notNull()
                t.primaryKey(["device", "time"])
            }
        }
        migrator.registerMigration("v13-host-hours") { db in
            // Each host's polls of a whole hour packed in one row (PoolStore+HostHours.swift): a week's p95 reads 168.
            try db.create(table: "host_hours", options: [.withoutRowID]) { t in
                t.column("device", .text).notNull()
                t.column("hour", .double).notNull()  // its start, seconds since 1970
                t.column("samples", .integer).notNull()
                t.column("cpu", .blob).notNull()  // processor loads, as little-endian doubles
                t.column("memory", .blob).notNull()  // memory in use (bytes), likewise
                t.primaryKey(["device", "hour"])
            }
        }
        migrator.registerMigration("v14-interface-status-times") { db in
            // When each device's interfaces were written, from the index alone (MeasurementStore.update(_:)).
            try db.create(index: "interface_status_seen", on: "interface_status", columns: ["device", "seen_at"])
        }
        migrator.registerMigration("v15-posture") { db in
            // The graded-protection posture checks (PostureStore.swift). Each device's latest probe with the forbidden
            // communities: whether it answered its own credentials, and the forbidden ones it answered (JSON).
            try db.create(table: "community_probes", options: [.withoutRowID]) { t in
                t.primaryKey("device", .text)
                t.column("time", .double).notNull()
                t.column("reachable", .boolean).notNull()
                t.column("answers", .blob).notNull()
            }
            // Since when each admin-up interface has been operationally down, from the first poll that found it so (an
            // interface that comes up, or is shut, leaves the table).
            try db.create(table: "interface_down_since", options: [.withoutRowID]) { t in
                t.column("device", .text).notNull()
                t.column("interface", .text).notNull()
                t.column("since", .double).notNull()
                t.primaryKey(["device", "interface"])
            }
        }
        migrator.registerMigration("v16-provisioning") { db in
            // Provisioning (ProvisioningStore.swift): each plan as it was made, for `edunet provision apply PLAN-ID`.
            try db.create(table: "provisioning_plans", options: [.withoutRowID]) { t in
                t.primaryKey("id", .text)
                t.column("kind", .text).notNull()
                t.column("created_at", .double).notNull()
                t.column("changes", .blob).notNull()
            }
            // The audit log of every write (append-only: an undo adds lines).
            try db.create(table: "provisioning_audit") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("plan", .text).notNull().indexed()
                t.column("at", .double).notNull()
                t.column("by", .text).notNull()
                t.column("why", .text).notNull()
                t.column("device", .text).notNull()
                t.column("interface", .text).notNull()
                t.column("object", .text).notNull()
                t.column("before", .text)
                t.column("after", .text).notNull()
                t.column("result", .text).notNull()
            }
        }
        migrator.registerMigration("v17-provisioning-deadlines") { db in
            // Typed values (ifAdminStatus is an integer, dot1qPvid unsigned); the lines written before were ifAlias text.
            try db.alter(table: "provisioning_audit") { t in t.add(column: "syntax", .text).notNull().defaults(to: "text") }
            // What the daemon does to an applied plan unless someone does first: set back a plan on probation that was
            // not confirmed, release a quarantine at the end of its period. One per plan.
            try db.create(table: "provisioning_deadlines", options: [.withoutRowID]) { t in
                t.primaryKey("plan", .text)
                t.column("kind", .text).notNull()
                t.column("due_at", .double).notNull()
                t.column("settled_at", .double)
                t.column("settled", .text)
            }
            try db.create(
                index: "provisioning_deadlines_pending", on: "provisioning_deadlines", columns: ["due_at"], condition: Column("settled_at") == nil)
        }
        migrator.registerMigration("v18-api-tokens") { db in
            // API tokens (APITokenStore.swift): the keyed hash of each, never the token.
            try db.create(table: "api_tokens") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("hash", .blob).notNull().unique()
                t.column("hint", .text).notNull()
                t.column("scope", .text).notNull()
                t.column("counties", .text).notNull()
                t.column("created_at", .double).notNull()
                t.column("expires_at", .double)
                t.column("revoked_at", .double)
            }
            // Every write made through the API, with the token's name (append-only).
            try db.create(table: "api_audit") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .double).notNull()
                t.column("token", .text).notNull()
                t.column("method", .text).notNull()
                t.column("path", .text).notNull()
                t.column("status", .integer).notNull()
                t.column("detail", .text).notNull()
            }
        }
        return migrator
    }

    private static func createEntityTable(_ kind: EntityKind, extraColumns: [String], _ db: Database) throws {
        try db.create(table: kind.table) { t in
            t.primaryKey("id", .text)
            t.column("position", .integer).notNull()
            t.column("label", .text).notNull()
            for column in extraColumns { t.column(column, .text).indexed() }
            t.column("json", .blob).notNull()
        }
    }
}
