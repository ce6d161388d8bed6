internal import CNetSNMP

/// What one request asks an agent for.
enum PDURequest: Sendable {
    case get([OID])
    case getNext([OID])
    case getBulk([OID], nonRepeaters: Int, maxRepetitions: Int)
    case set([VarBind])

    var oids: [OID] {
        switch self {
        case .get(let oids), .getNext(let oids), .getBulk(let oids, _, _): oids
        case .set(let varbinds): varbinds.map(\.oid)
        }
    }
}

/// An agent's answer: error status and index as sent, and the variable bindings.
struct SNMPResponse: Sendable {
    var errorStatus: Int
    var errorIndex: Int
    var varbinds: [VarBind]
    /// When the answer was read off the socket, on the net-snmp thread: the best local estimate of when the agent
    /// read its counters (the task that handles the answer may run a good deal later on a busy machine).
    var receivedAt = ContinuousClock.now
}

/// Builds request PDUs and copies responses out of net-snmp's structures (which it frees after the callback).
enum PDUCodec {
    static func makePDU(_ request: PDURequest) -> UnsafeMutablePointer<netsnmp_pdu>? {
        let type: Int32 =
            switch request {
            case .get: Int32(EDUNET_MSG_GET)
            case .getNext: Int32(EDUNET_MSG_GETNEXT)
            case .getBulk: Int32(EDUNET_MSG_GETBULK)
            case .set: Int32(EDUNET_MSG_SET)
            }
        guard let pdu = snmp_pdu_create(type) else { return nil }
        if case .getBulk(_, let nonRepeaters, let maxRepetitions) = request {
            // GETBULK's non_repeaters and max_repetitions are #define aliases of errstat and errindex.
            pdu.pointee.errstat = nonRepeaters
            pdu.pointee.errindex = maxRepetitions
        }
        var complete = true
        withUnsafeTemporaryAllocation(of: oid.self, capacity: OID.maximumLength) { buffer in
            for name in request.oids {
                for (index, component) in name.components.enumerated() { buffer[index] = oid(component) }
                _ = snmp_add_null_var(pdu, buffer.baseAddress, name.count)
            }
        }
        if case .set(let varbinds) = request {
            var variable = pdu.pointee.variables
            for varbind in varbinds {
                guard let current = variable, setValue(varbind.value, of: current) else {
                    complete = false
                    break
                }
                variable = current.pointee.next_variable
            }
        }
        guard complete else {
            snmp_free_pdu(pdu)
            return nil
        }
        return pdu
    }

    /// Whether a SET may carry `value`: the types an agent's writable objects have (never a counter or an exception).
    static func isSettable(_ value: SNMPValue) -> Bool {
        switch value {
        case .integer32, .octetString, .objectIdentifier, .ipAddress, .gauge32, .timeTicks, .opaque: true
        default: false
        }
    }

    /// Puts `value` into a variable of the request (net-snmp copies it).
    private static func setValue(_ value: SNMPValue, of variable: UnsafeMutablePointer<netsnmp_variable_list>) -> Bool {
        func set(_ type: UInt32, _ bytes: UnsafeRawBufferPointer) -> Bool {
            snmp_set_var_typed_value(variable, u_char(type), bytes.baseAddress?.assumingMemoryBound(to: u_char.self), bytes.count) == 0
        }
        switch value {
        case .integer32(let number):
            return withUnsafeBytes(of: CLong(number)) { set(UInt32(ASN_INTEGER), $0) }
        case .octetString(let bytes):
            return bytes.withUnsafeBytes { set(UInt32(ASN_OCTET_STR), $0) }
        case .opaque(let bytes):
            return bytes.withUnsafeBytes { set(UInt32(ASN_APPLICATION | 4), $0) }
        case .ipAddress(let bytes):
            return bytes.count == 4 && bytes.withUnsafeBytes { set(UInt32(ASN_APPLICATION | 0), $0) }
        case .gauge32(let number):
            return withUnsafeBytes(of: CUnsignedLong(number)) { set(UInt32(ASN_APPLICATION | 2), $0) }
        case .timeTicks(let number):
            return withUnsafeBytes(of: CUnsignedLong(number)) { set(UInt32(ASN_APPLICATION | 3), $0) }
        case .objectIdentifier(let name):
            return name.components.map { oid($0) }.withUnsafeBytes { set(UInt32(ASN_OBJECT_ID), $0) }
        default:
            return false
        }
    }

    /// Copies every variable binding out of a response PDU.
    static func decode(_ pdu: UnsafeMutablePointer<netsnmp_pdu>) throws(DecodeFailure) -> SNMPResponse {
        var varbinds: [VarBind] = []
        var cursor = pdu.pointee.variables
        while let variable = cursor {
            varbinds.append(try decode(variable))
            cursor = variable.pointee.next_variable
        }
        return SNMPResponse(errorStatus: pdu.pointee.errstat, errorIndex: pdu.pointee.errindex, varbinds: varbinds)
    }

    struct DecodeFailure: Error {
        let message: String
    }

    private static func decode(_ variable: UnsafeMutablePointer<netsnmp_variable_list>) throws(DecodeFailure) -> VarBind {
        let v = variable.pointee
        guard let namePointer = v.name, v.name_length <= OID.maximumLength else {
            throw DecodeFailure(message: "an OID longer than \(OID.maximumLength) sub-identifiers")
        }
        let name = OID(UnsafeBufferPointer(start: namePointer, count: v.name_length).map { UInt32(truncatingIfNeeded: $0) })
        let length = v.val_len
        func bytes() -> [UInt8] {
            guard length > 0, let pointer = v.val.string else { return [] }
            return Array(UnsafeBufferPointer(start: pointer, count: length))
        }
        func unsigned32() -> UInt32 { UInt32(truncatingIfNeeded: UInt(bitPattern: v.val.integer?.pointee ?? 0)) }
        let value: SNMPValue
        switch UInt32(v.type) {
        case ASN_INTEGER:
            value = .integer32(Int32(truncatingIfNeeded: v.val.integer?.pointee ?? 0))
        case ASN_OCTET_STR:
            value = .octetString(bytes())
        case ASN_NULL:
            value = .null
        case ASN_OBJECT_ID:
            let count = length / MemoryLayout<oid>.stride
            guard count <= OID.maximumLength else { throw DecodeFailure(message: "an OID value longer than \(OID.maximumLength) sub-identifiers") }
            let parts = v.val.objid.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
            value = .objectIdentifier(OID(parts.map { UInt32(truncatingIfNeeded: $0) }))
        case ASN_APPLICATION | 0:  // IpAddress
            let address = bytes()
            guard address.count == 4 else { throw DecodeFailure(message: "an IpAddress of \(address.count) bytes for \(name)") }
            value = .ipAddress(address)
        case ASN_APPLICATION | 1:  // Counter32
            value = .counter32(unsigned32())
        case ASN_APPLICATION | 2, ASN_APPLICATION | 7:  // Gauge32 / Unsigned32
            value = .gauge32(unsigned32())
        case ASN_APPLICATION | 3:  // TimeTicks
            value = .timeTicks(unsigned32())
        case ASN_APPLICATION | 4:  // Opaque
            value = .opaque(bytes())
        case ASN_APPLICATION | 6:  // Counter64
            let c = v.val.counter64?.pointee
            value = .counter64(UInt64((c?.high ?? 0) & 0xFFFF_FFFF) << 32 | UInt64((c?.low ?? 0) & 0xFFFF_FFFF))
        case UInt32(EDUNET_NOSUCHOBJECT):
            value = .noSuchObject
        case UInt32(EDUNET_NOSUCHINSTANCE):
            value = .noSuchInstance
        case UInt32(EDUNET_ENDOFMIBVIEW):
            value = .endOfMibView
        default:
            // Opaque-wrapped floats, doubles and 64-bit integers that net-snmp unwraps: keep the bytes.
            value = .opaque(bytes())
        }
        return VarBind(oid: name, value: value)
    }
}
