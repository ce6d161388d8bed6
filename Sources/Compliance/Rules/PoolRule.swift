import Foundation
import Model
import Pool
import Store

/// 教育云: site-loss survival, active-active per service, elastic compute per site and dynamic storage per storage
/// pool, as `PoolVerdicts` judges them at the end of the window.
struct PoolRule: ComplianceRule {
    func findings(in context: ComplianceContext, linkFindings: [Finding]) -> [Finding] { context.pool.findings() }
}
