import Foundation
import Model
import Store

/// Admission control: whether an allocation fits a site under the overcommit ratios, and whether the pool would
/// still survive the loss of a site with it: every reservation (replicas and allocations) within what the other
/// sites hold under the ratios, and the measured p95 use, plus what the allocation would add at peak (its
/// reservation over the ratio), within what they hold less the headroom. vSphere's HA admission control counts only
/// reservations, so an unreserved pool always passes; this asks both questions.
public struct PoolAdmission: Sendable {
    public let use: PoolUse

    public init(use: PoolUse) { self.use = use }

    /// What admission control said about one request.
    public struct Decision: Sendable, Hashable {
        /// The site chosen (the one asked for, or the one with the most room), nil when none can take it.
        public var site: String?
        public var fits: Bool
        public var survivesSiteLoss: Bool
        /// Why it does not fit or does not survive, each with its figures.
        public var problems: [String]
        /// The figures behind the answer, one line a check.
        public var figures: [String]

        public var accepted: Bool { fits && survivesSiteLoss }
    }

    /// Checks `request` for `site` (or every site, choosing the one with the most room left).
    public func check(_ request: Resources, site wanted: String?) -> Decision {
        let policy = use.policy
        let candidates = wanted.map { id in use.sites.filter { $0.site.id == id } } ?? use.sites
        var best: (site: PoolUse.Site, room: Double)?
        var siteProblems: [String] = []
        var figures: [String] = []
        for site in candidates {
            let admissible = site.admissible(policy)
            var room = Double.infinity
            var short: [String] = []
            for kind in Resources.Kind.allCases {
                let after = (site.reserved[kind] ?? 0) + request[kind]
                let limit = admissible[kind] ?? 0
                room = min(room, limit <= 0 ? -.infinity : (limit - after) / limit)
                if after > limit {
                    short.append("\(kind.rawValue) \(Resources.text(after, kind)) of \(Resources.text(limit, kind)) admissible")
                }
            }
            figures.append(
                "\(site.site.id): "
                    + Resources.Kind.allCases.map {
                        "\($0.rawValue) \(Resources.text((site.reserved[$0] ?? 0) + request[$0], $0)) of \(Resources.text(admissible[$0] ?? 0, $0))"
                    }.joined(separator: ", ") + " with it")
            if short.isEmpty {
                if best == nil || room > best!.room { best = (site, room) }
            } else {
                siteProblems.append("\(site.site.id) has no room: " + short.joined(separator: ", "))
            }
        }
        var problems = best == nil ? siteProblems : []
        // Site loss: every reservation of the pool, with this one, within the sites that survive the largest's loss.
        for kind in Resources.Kind.allCases {
            let (lost, surviving) = use.survivingCapacity(kind)
            let limit = surviving * policy.ratio(kind)
            let after = (use.reserved[kind] ?? 0) + request[kind]
            figures.append(
                "without \(lost?.site.id ?? "a site"): \(kind.rawValue) reserved \(Resources.text(after, kind)) of \(Resources.text(limit, kind))")
            if after > limit {
                problems.append(
                    "the pool would not survive the loss of \(lost?.site.id ?? "a site"): \(Resources.text(after, kind)) of \(kind.rawValue) reserved, "
                        + "\(Resources.text(limit, kind)) left under the \(ratioText(policy.ratio(kind))) ratio")
            }
        }
        for (kind, measured) in [(Resources.Kind.vcpu, use.sites.map(\.measuredCPU)), (.memory, use.sites.map(\.measuredMemory))] {
            let known = measured.compactMap { $0 }
            guard !known.isEmpty else { continue }
            let (lost, surviving) = use.survivingCapacity(kind)
            let limit = surviving * (1 - policy.headroom)
            let after = known.reduce(0, +) + request[kind] / policy.ratio(kind)
            figures.append(
                "without \(lost?.site.id ?? "a site"): \(kind.rawValue) p95 use \(Resources.text(after, kind)) of \(Resources.text(limit, kind)) (headroom \(Int(policy.headroom * 100)) %)"
            )
            if after > limit {
                problems.append(
                    "measured p95 \(kind.rawValue) use would not fit after losing \(lost?.site.id ?? "a site"): \(Resources.text(after, kind)) with this allocation, "
                        + "\(Resources.text(limit, kind)) left less the \(Int(policy.headroom * 100)) % headroom")
            }
        }
        return Decision(
            site: best?.site.site.id, fits: best != nil, survivesSiteLoss: problems.count == (best == nil ? siteProblems.count : 0),
            problems: problems, figures: figures)
    }

    private func ratioText(_ ratio: Double) -> String { (ratio == ratio.rounded() ? String(Int(ratio)) : String(ratio)) + ":1" }
}
