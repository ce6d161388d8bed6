import Foundation
import Model
import Store

/// One rule of the plan. A rule about planned links is asked link by link (on every core); a rule about places
/// (schools, county nodes, areas) is asked once, after every link has been judged, with those findings in hand.
protocol ComplianceRule: Sendable {
    /// Findings about one planned link.
    func findings(for link: Link, in context: ComplianceContext) throws(StoreError) -> [Finding]
    /// Findings about the city's places, given every link finding.
    func findings(in context: ComplianceContext, linkFindings: [Finding]) throws(StoreError) -> [Finding]
}

extension ComplianceRule {
    func findings(for link: Link, in context: ComplianceContext) throws(StoreError) -> [Finding] { [] }
    func findings(in context: ComplianceContext, linkFindings: [Finding]) throws(StoreError) -> [Finding] { [] }
}
