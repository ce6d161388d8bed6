/// One write a plan proposes: on a device's interface, an object (by OID) from what it holds now to what the
/// inventory says it should hold.
public struct ProvisioningChange: Sendable, Hashable, Codable {
    public var device: String
    public var interface: String
    public var object: String
    public var current: String?
    public var new: String

    public init(device: String, interface: String, object: String, current: String?, new: String) {
        self.device = device
        self.interface = interface
        self.object = object
        self.current = current
        self.new = new
    }
}

/// A change a plan leaves out, and why (the device is never written to, or what it holds is not known).
public struct ProvisioningRefusal: Sendable, Hashable, Codable {
    public var device: String
    public var interface: String
    public var reason: String
}
