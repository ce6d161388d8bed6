import SNMP

/// Recordings the tests serve through snmpsim next to the real devices' (format: `OID|TYPE|VALUE`).
package enum Recordings {
    /// 128 sub-identifiers, the most SNMP allows.
    package static let longOID = "1.3.6.1.4.1.99999.2" + String(repeating: ".7", count: 128 - 8)

    package static let synthetic: [String: String] = [
        "edge-cases": [
            "1.3.6.1.2.1.1.1.0|4|EduNet edge-case device",
            "1.3.6.1.4.1.99999.1.1.0|70|18446744073709551615",
            "1.3.6.1.4.1.99999.1.2.0|70|9223372036854775809",
            "1.3.6.1.4.1.99999.1.3.0|2|-2147483648",
            "1.3.6.1.4.1.99999.1.4.0|2|-1",
            "1.3.6.1.4.1.99999.1.5.0|4|",
            "1.3.6.1.4.1.99999.1.6.0|4x|00ff80fe0a",
            "1.3.6.1.4.1.99999.1.7.0|6|\(longOID)",
            "1.3.6.1.4.1.99999.1.8.0|64|127.0.0.1",
            "1.3.6.1.4.1.99999.1.9.0|67|4294967295",
            "1.3.6.1.4.1.99999.1.10.0|66|4294967295",
            "1.3.6.1.4.1.99999.1.11.0|65|4294967295",
            "1.3.6.1.4.1.99999.1.12.0|4|兴庆区第一小学",
            "\(longOID)|2|42",
        ].joined(separator: "\n") + "\n",
        // A device that answers nonsense: an OctetString where ifHCInOctets belongs (port 1), an up port with a
        // speed of 0 (port 2), a 64-bit counter that runs backwards without a reboot (port 3); uptime advances.
        "nonsense": nonsense,
        // A bare agent: an interface with a name and an operational state, and neither ifAdminStatus nor any
        // octet counter.
        "bare": [
            "1.3.6.1.2.1.1.1.0|4|EduNet bare device",
            "1.3.6.1.2.1.1.3.0|67:numeric|initial=100000,rate=100",
            "1.3.6.1.2.1.2.2.1.1.1|2|1",
            "1.3.6.1.2.1.2.2.1.2.1|4|eth0",
            "1.3.6.1.2.1.2.2.1.8.1|2|2",
        ].joined(separator: "\n") + "\n",
        // A device configured with the vendor default community `public` (snmpsim's community is the recording's name),
        // for the posture checks: it has no sysObjectID, so it answers their GET with noSuchObject, an answer all the same.
        "public": "1.3.6.1.2.1.1.1.0|4|EduNet device left with the default community\n",
        // Out of OID order, as a broken agent answers: a walk must stop rather than loop.
        "misordered": [
            "1.3.6.1.2.1.1.1.0|4|misordered device",
            "1.3.6.1.4.1.99999.3.1.0|2|1",
            "1.3.6.1.4.1.99999.3.3.0|2|3",
            "1.3.6.1.4.1.99999.3.2.0|2|2",
            "1.3.6.1.4.1.99999.3.4.0|2|4",
        ].joined(separator: "\n") + "\n",
    ]

    /// See `synthetic["nonsense"]`.
    private static var nonsense: String {
        var lines = [
            "1.3.6.1.2.1.1.1.0|4|EduNet nonsense device",
            "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.99999.9",
            "1.3.6.1.2.1.1.3.0|67:numeric|initial=100000,rate=100",
            "1.3.6.1.2.1.1.5.0|4|nonsense",
        ]
        let inOctets = [
            "1.3.6.1.2.1.31.1.1.1.6.1|4|12345",
            "1.3.6.1.2.1.31.1.1.1.6.2|70:numeric|initial=5000,rate=125000",
            "1.3.6.1.2.1.31.1.1.1.6.3|70:numeric|initial=900000000000,rate=-1000000",
        ]
        for port in 1...3 {
            let speed = port == 2 ? 0 : 1000
            lines.append("1.3.6.1.2.1.2.2.1.2.\(port)|4|port\(port)")
            lines.append("1.3.6.1.2.1.2.2.1.5.\(port)|66|\(speed * 1_000_000)")
            lines.append("1.3.6.1.2.1.2.2.1.7.\(port)|2|1")
            lines.append("1.3.6.1.2.1.2.2.1.8.\(port)|2|1")
            lines.append("1.3.6.1.2.1.31.1.1.1.1.\(port)|4|port\(port)")
            lines.append(inOctets[port - 1])
            lines.append("1.3.6.1.2.1.31.1.1.1.10.\(port)|70:numeric|initial=7000,rate=250000")
            lines.append("1.3.6.1.2.1.31.1.1.1.15.\(port)|66|\(speed)")
        }
        func oid(_ line: String) -> OID { OID(stringLiteral: String(line.prefix { $0 != "|" })) }
        return lines.sorted { oid($0) < oid($1) }.joined(separator: "\n") + "\n"
    }
}
