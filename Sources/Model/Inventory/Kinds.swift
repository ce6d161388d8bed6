/// The kinds of school the plan distinguishes; which bandwidth tier each falls in is policy data.
public enum SchoolKind: String, Sendable, Hashable, Codable, CaseIterable {
    case primary
    case juniorSecondary = "junior-secondary"
    case seniorSecondary = "senior-secondary"
    case nineYear = "nine-year"
    case kindergarten
    /// 中职
    case secondaryVocational = "secondary-vocational"
    /// 职业学校
    case vocational

    /// The Chinese name used in tables and reports.
    public var chineseName: String {
        switch self {
        case .primary: "小学"
        case .juniorSecondary: "初中"
        case .seniorSecondary: "高中"
        case .nineYear: "九年一贯制"
        case .kindergarten: "幼儿园"
        case .secondaryVocational: "中职"
        case .vocational: "职业学校"
        }
    }
}

/// The parts of a campus that Wi-Fi must cover.
public enum AreaKind: String, Sendable, Hashable, Codable, CaseIterable {
    case teaching, office, `public`, other

    /// As a Chinese report names the kind of area.
    public var chinese: String {
        switch self {
        case .teaching: "教学区"
        case .office: "办公区"
        case .public: "公共区域"
        case .other: "其他区域"
        }
    }
}

/// What a device does in the network; it decides what the poller asks it for.
public enum DeviceRole: String, Sendable, Hashable, Codable, CaseIterable {
    case coreSwitch = "core-switch"
    case accessSwitch = "access-switch"
    case wirelessController = "wireless-controller"
    case accessPoint = "access-point"
    case router
    case server
}

/// The level of the city network a link belongs to, which decides its capacity target.
public enum LinkTier: String, Sendable, Hashable, Codable, CaseIterable {
    case provinceCity = "province-city"
    case cityCounty = "city-county"
    case countySchool = "county-school"
    case campusBackbone = "campus-backbone"
}

/// The backbone's places: the province core, the city's two cores (the dual star) and county aggregation.
public enum NodeKind: String, Sendable, Hashable, Codable, CaseIterable {
    case provinceCore = "province-core"
    case cityCore = "city-core"
    case countyAggregation = "county-aggregation"
}

/// SNMP protocol versions a credential profile can use.
public enum SNMPVersion: String, Sendable, Hashable, Codable, CaseIterable {
    case v1, v2c, v3
}

/// SNMPv3 authentication protocols, as net-snmp names them.
public enum SNMPAuthProtocol: String, Sendable, Hashable, Codable, CaseIterable {
    case md5 = "MD5"
    case sha = "SHA"
    case sha224 = "SHA-224"
    case sha256 = "SHA-256"
    case sha384 = "SHA-384"
    case sha512 = "SHA-512"
}

/// SNMPv3 privacy protocols, as net-snmp names them.
public enum SNMPPrivacyProtocol: String, Sendable, Hashable, Codable, CaseIterable {
    case des = "DES"
    case aes128 = "AES-128"
    case aes192 = "AES-192"
    case aes256 = "AES-256"
}
