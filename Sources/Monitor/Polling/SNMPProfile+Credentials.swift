import Model
import SNMP

extension SNMPProfile {
    /// The engine's credentials for this profile, its secrets read from the environment or files.
    public func credentials() throws(SecretReference.ResolveError) -> SNMPCredentials {
        switch version {
        case .v1, .v2c:
            guard let community else {
                throw SecretReference.ResolveError(.unset, description: "the SNMP profile `\(id)` has no community; add `community: {env: NAME}`")
            }
            let value = try community.resolve()
            return version == .v1 ? .v1(community: value) : .v2c(community: value)
        case .v3:
            var user = USMUser(name: self.user ?? "")
            if let auth, let proto = USMUser.AuthProtocol(rawValue: auth.protocolName.rawValue) {
                user.auth = (proto, try auth.secret.resolve())
            }
            if let privacy, let proto = USMUser.PrivacyProtocol(rawValue: privacy.protocolName.rawValue) {
                user.privacy = (proto, try privacy.secret.resolve())
            }
            return .v3(user)
        }
    }
}
