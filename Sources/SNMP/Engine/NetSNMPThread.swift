internal import CNetSNMP
import Foundation
import Synchronization

/// Owns sessions whose sockets the thread watches: told before each read (the datagram can be peeked at), and after
/// it, when work that must not run inside a net-snmp callback can be done.
protocol NetSNMPReader: AnyObject {
    func beforeRead(socket: Int32)
    func afterRead()
}

extension NetSNMPReader {
    func beforeRead(socket: Int32) {}
}

/// The one thread of the process that calls net-snmp. Debian's library is built without
/// `NETSNMP_REENTRANT`, so every net-snmp call, from every engine, runs here: engines hand it jobs,
/// it waits on their sockets with epoll and gives each engine a tick for retransmissions and timeouts.
final class NetSNMPThread: @unchecked Sendable {
    // @unchecked: `jobs` is guarded by its mutex; everything else is touched only on the thread itself.
    static let shared = NetSNMPThread()

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let wakeFD: Int32
    private let epollFD: Int32

    /// Thread-confined state.
    private var readers: [UInt64: (UnsafeMutableRawPointer, any NetSNMPReader)] = [:]
    private var cores: [ObjectIdentifier: EngineCore] = [:]
    private var nextTag: UInt64 = 1
    private var fdSet = netsnmp_large_fd_set()
    private var lastTick = ContinuousClock.now
    /// net-snmp keeps one USM user per (engine ID, user name) for the whole process: whose keys are loaded.
    /// Who has loaded each USM user (engine ID + name), with which keys (a fingerprint, never the keys).
    private var usmOwners: [[UInt8]: (keys: Int, owners: [USMOwner: () -> Void])] = [:]

    /// A device of an engine that has loaded its v3 keys into net-snmp's user table.
    struct USMOwner: Hashable {
        let core: ObjectIdentifier
        let device: EngineCore.DeviceKey
    }

    static let tickInterval = Duration.milliseconds(20)

    private init() {
        Self.raiseDescriptorLimit()
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(wakeFD >= 0 && epollFD >= 0, "cannot create eventfd/epoll: errno \(errno)")
        _ = edunet_epoll_add(epollFD, wakeFD, 0)
        // Wait until the library is initialised on its thread: a process that exits while init_snmp runs
        // on another thread can crash in its exit handlers.
        let ready = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in run(ready: ready) }
        thread.name = "net-snmp"
        thread.start()
        ready.wait()
    }

    /// Runs `job` on the net-snmp thread, soon.
    func execute(_ job: @escaping @Sendable () -> Void) {
        jobs.withLock { $0.append(job) }
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    // MARK: - Called on the thread

    func attach(_ core: EngineCore) { cores[ObjectIdentifier(core)] = core }
    func detach(_ core: EngineCore) { cores[ObjectIdentifier(core)] = nil }

    /// Watches a session's socket; readable data is handed to `snmp_sess_read2` for `core`.
    func watch(session: UnsafeMutableRawPointer, socket: Int32, core: any NetSNMPReader) -> UInt64 {
        let tag = nextTag
        nextTag += 1
        readers[tag] = (session, core)
        _ = edunet_epoll_add(epollFD, socket, tag)
        return tag
    }

    /// Stops watching; call before `snmp_sess_close`, which closes the socket.
    func unwatch(tag: UInt64, socket: Int32) {
        readers[tag] = nil
        _ = edunet_epoll_remove(epollFD, socket)
    }

    /// Records that `owner` uses `user` (engine ID + name) with the keys whose fingerprint is `keys`. Owners with
    /// the same keys share the loaded user (several addresses of one engine, or devices cloned with one engine
    /// ID); owners with other keys are released first (their sessions closed), since net-snmp holds one set of
    /// keys per user. Returns whether the keys must be loaded now.
    func claimUSMUser(_ user: [UInt8], keys: Int, by owner: USMOwner, release: @escaping () -> Void) -> Bool {
        if let loaded = usmOwners[user], loaded.keys == keys {
            usmOwners[user]?.owners[owner] = release
            return false
        }
        for (previous, release) in usmOwners[user]?.owners ?? [:] where previous != owner { release() }
        usmOwners[user] = (keys, [owner: release])
        return true
    }

    private func run(ready: DispatchSemaphore) {
        edunet_snmp_init("edunet")
        netsnmp_large_fd_set_init(&fdSet, 65536)
        ready.signal()
        var tags = [UInt64](repeating: 0, count: 256)
        while true {
            let pending = jobs.withLock { list -> [@Sendable () -> Void] in
                defer { list.removeAll(keepingCapacity: true) }
                return list
            }
            for job in pending { job() }
            let busy = cores.values.contains { $0.isBusy }
            let count = tags.withUnsafeMutableBufferPointer { edunet_epoll_wait(epollFD, $0.baseAddress, 256, busy ? 20 : 1000) }
            for index in 0..<max(0, Int(count)) {
                let tag = tags[index]
                if tag == 0 {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                } else if let (session, core) = readers[tag], let transport = snmp_sess_transport(session) {
                    let socket = transport.pointee.sock
                    core.beforeRead(socket: socket)
                    netsnmp_large_fd_setfd(socket, &fdSet)
                    _ = snmp_sess_read2(session, &fdSet)
                    netsnmp_large_fd_clr(socket, &fdSet)
                    core.afterRead()
                }
            }
            let now = ContinuousClock.now
            if now - lastTick >= Self.tickInterval {
                lastTick = now
                for core in cores.values { core.tick(now: now) }
            }
        }
    }

    /// Each device session owns a UDP socket: allow as many as the hard limit permits.
    private static func raiseDescriptorLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
