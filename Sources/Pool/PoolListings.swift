import Foundation
import Model
import Reports
import Store

/// The CLI's listings of the education cloud: sites side by side, hosts, services with their replicas, allocations
/// and the history, each as a table, JSON or CSV.
public enum PoolListings {
    /// Each site and resource, as the report's cloud section and `edunet pool status` show them.
    public static func cloudRows(_ use: PoolUse) -> [ComplianceReport.CloudRow] {
        use.sites.flatMap { site in
            let admissible = site.admissible(use.policy)
            return Resources.Kind.allCases.map { kind in
                ComplianceReport.CloudRow(
                    site: site.site.id, name: site.site.name, resource: kind, capacity: site.capacity[kind] ?? 0, admissible: admissible[kind] ?? 0,
                    reserved: site.reserved[kind] ?? 0,
                    measuredP95: kind == .vcpu ? site.measuredCPU : kind == .memory ? site.measuredMemory : nil)
            }
        }
    }

    public static func status(_ use: PoolUse) -> Listing {
        let rows = cloudRows(use)
        return Listing(
            columns: [
                .init("中心 Site", key: "site"), .init("资源 Resource", key: "resource"), .init("容量 Capacity", key: "capacity", numeric: true),
                .init("可分配 Admissible", key: "admissible", numeric: true), .init("已预留 Reserved", key: "reserved", numeric: true),
                .init("P95 实测 p95 used", key: "p95_used", numeric: true), .init("余量 Headroom", key: "headroom", numeric: true),
            ],
            rows: rows.map { ComplianceReport.cloudCells($0, english: false) },
            json: { try JSONDocument.encode(schema: "edunet.pool.status/v1", key: "sites", rows) })
    }

    /// One host as listed.
    public struct HostRow: Sendable, Encodable {
        public var id: String
        public var site: String
        public var device: String
        public var capacity: Resources
        public var storagePool: String?
        public var replicas: [String]
        public var lastPolled: Date?
        public var cpuLoad: Double?
        /// hrSystemUptime at the last poll, seconds, and the boot it dates.
        public var uptimeSeconds: Double?
        public var bootedAt: Date?
        /// When the host booted at each restart its polls found in the window.
        public var restarts: [Date]
    }

    public static func hosts(_ use: PoolUse) -> Listing {
        let rows = use.pool.hosts.map { host in
            let latest = use.latest[host.device]
            return HostRow(
                id: host.id, site: host.site, device: host.device, capacity: host.capacity, storagePool: host.storagePool,
                replicas: use.pool.services.filter { $0.hosts.contains(host.id) }.map(\.id), lastPolled: latest?.time, cpuLoad: latest?.cpuLoad,
                uptimeSeconds: latest?.uptime, bootedAt: latest?.bootedAt, restarts: latest?.restarts ?? [])
        }
        return Listing(
            columns: [
                .init("主机 Host", key: "id"), .init("中心 Site", key: "site"), .init("设备 Device", key: "device"),
                .init("vCPU", key: "vcpus", numeric: true),
                .init("内存 Memory", key: "memory", numeric: true), .init("存储 Storage", key: "storage", numeric: true),
                .init("存储池 Pool", key: "storage_pool"), .init("服务 Replicas", key: "replicas"), .init("CPU", key: "cpu_load", numeric: true),
                .init("运行 Up", key: "uptime", numeric: true), .init("重启 Restarts", key: "restarts", numeric: true),
                .init("最近轮询 Polled", key: "last_polled"),
            ],
            rows: rows.map { r in
                [
                    r.id, r.site, r.device, String(r.capacity.vcpus), r.capacity.memory.description, r.capacity.storage.description,
                    r.storagePool ?? "—",
                    r.replicas.joined(separator: ","), r.cpuLoad.map { String(format: "%.0f %%", $0) } ?? "—",
                    r.uptimeSeconds.map(CityTime.span) ?? "—", String(r.restarts.count), r.lastPolled.map(CityTime.minute) ?? "never",
                ]
            },
            json: { try JSONDocument.encode(schema: "edunet.pool.hosts/v1", key: "hosts", rows) })
    }

    /// One service as listed, with its replicas' health.
    public struct ServiceRow: Sendable, Encodable {
        public var id: String
        public var name: String
        public var replica: Resources?
        public var replicas: [Replica]
        public var activeActive: Bool

        public struct Replica: Sendable, Encodable {
            public var site: String
            public var host: String
            public var healthy: Bool
            public var why: String?
        }
    }

    public static func services(_ verdicts: PoolVerdicts) -> Listing {
        let sites = verdicts.use.pool.sites.map(\.id)
        let rows = verdicts.use.pool.services.map { service in
            let replicas = verdicts.replicas(of: service).map {
                ServiceRow.Replica(site: $0.site, host: $0.host, healthy: $0.healthy, why: $0.why.isEmpty ? nil : $0.why)
            }
            return ServiceRow(
                id: service.id, name: service.name, replica: service.replica, replicas: replicas,
                activeActive: sites.allSatisfy { site in replicas.contains { $0.site == site && $0.healthy } })
        }
        return Listing(
            columns: [
                .init("服务 Service", key: "id"), .init("名称 Name", key: "name"), .init("每副本 Per replica", key: "replica"),
                .init("副本 Replicas", key: "replicas"), .init("双活 Active-active", key: "active_active"),
            ],
            rows: rows.map { r in
                [
                    r.id, r.name, r.replica.map { "\($0.vcpus) vCPU/\($0.memory)/\($0.storage)" } ?? "—",
                    r.replicas.map { "\($0.site)/\($0.host) \($0.healthy ? "ok" : "✗ " + ($0.why ?? ""))" }.joined(separator: "; "),
                    r.activeActive ? "yes 是" : "no 否",
                ]
            },
            json: { try JSONDocument.encode(schema: "edunet.pool.services/v1", key: "services", rows) })
    }

    public static func allocations(_ allocations: [PoolStore.Allocation], tenants: [String: String]) -> Listing {
        Listing(
            columns: [
                .init("编号 ID", key: "id", numeric: true), .init("租户 Tenant", key: "tenant"), .init("名称 Name", key: "name"),
                .init("服务 Service", key: "service"), .init("中心 Site", key: "site"), .init("vCPU", key: "vcpus", numeric: true),
                .init("内存 Memory", key: "memory", numeric: true), .init("存储 Storage", key: "storage", numeric: true),
                .init("强制 Forced", key: "forced"), .init("创建 Created", key: "created_at"), .init("释放 Released", key: "released_at"),
            ],
            rows: allocations.map { a in
                [
                    String(a.id), tenants[a.tenant].map { "\($0) \(a.tenant)" } ?? a.tenant, a.name, a.service ?? "—", a.site,
                    String(a.resources.vcpus),
                    a.resources.memory.description, a.resources.storage.description, a.forced ? "yes 是" : "", CityTime.minute(a.createdAt),
                    a.releasedAt.map(CityTime.minute) ?? "",
                ]
            },
            json: { try JSONDocument.encode(schema: "edunet.pool.allocations/v1", key: "allocations", allocations) })
    }

    public static func history(_ changes: [PoolStore.Change]) -> Listing {
        Listing(
            columns: [
                .init("时间 At", key: "at"), .init("分配 Allocation", key: "allocation", numeric: true), .init("操作 Action", key: "action"),
                .init("强制 Forced", key: "forced"), .init("操作人 By", key: "by"), .init("原因 Why", key: "why"),
                .init("准入结论 Verdict", key: "verdict"),
            ],
            rows: changes.map { c in
                [CityTime.minute(c.at), String(c.allocation), c.action, c.forced ? "yes 是" : "", c.by, c.why, c.verdict ?? ""]
            },
            json: { try JSONDocument.encode(schema: "edunet.pool.history/v1", key: "history", changes) })
    }
}
