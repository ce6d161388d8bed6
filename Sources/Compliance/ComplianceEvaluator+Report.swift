import Foundation
import Model
import Pool
import Reports
import Store

extension ComplianceEvaluator {
    /// The whole compliance report for `[from, to)`: every finding, the fleet's counts at `to` and, when the city has a
    /// cloud, its sites' use. What `edunet report` prints and the API serves, before either narrows it. Throws the
    /// store's errors and the pool's.
    public func report(from: Date, to: Date) throws -> ComplianceReport {
        let inventory = configuration.inventory
        var report = ComplianceReport(
            findings: try evaluate(from: from, to: to), inventory: inventory, from: from, to: to, fleet: try fleetCounts(at: to))
        if !inventory.computePool.sites.isEmpty {
            report.cloud = PoolListings.cloudRows(try PoolVerdicts.read(register: poolRegister, at: to, freshness: hostFreshness).use)
        }
        return report
    }
}
