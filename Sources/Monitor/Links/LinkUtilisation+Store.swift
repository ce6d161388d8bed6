import Foundation
import Model
import Store

extension LinkUtilisation {
    /// Reads one link's samples over `[from, to)` from the store and judges them: the downstream end's rates, else
    /// the upstream end's; the five-minute roll-ups instead when they cover more of the window than the rates do.
    /// `interfaces` is every polled device's interfaces (`MeasurementStore.allInterfaces()`), read once by the caller.
    public static func measure(
        _ link: Link, from: Date, to: Date, store: MeasurementStore,
        interfaces: [String: [String: InterfaceStatus]], criteria: Criteria
    ) throws(StoreError) -> LinkUtilisation {
        var end = link.b
        var samples = try store.rates(device: link.b.device, interface: link.b.interface, from: from, to: to)
        if samples.isEmpty {
            end = link.a
            samples = try store.rates(device: link.a.device, interface: link.a.interface, from: from, to: to)
        }
        var resolution = Resolution.rates
        let window = to.timeIntervalSince(from)
        let rateCoverage = coverage(samples, window: window) ?? 0
        if rateCoverage < criteria.minimumCoverage {
            for candidate in [link.b, link.a] {
                let means = try store.rollups(device: candidate.device, interface: candidate.interface, from: from, to: to).map(\.asMeasurement)
                if (coverage(means, window: window) ?? 0) > rateCoverage {
                    (end, samples, resolution) = (candidate, means, .fiveMinuteMeans)
                    break
                }
            }
        }
        return evaluate(
            link, measuredEnd: samples.isEmpty ? nil : end, samples: samples, resolution: resolution, from: from, to: to,
            interfaces: interfaces, criteria: criteria)
    }
}

extension InterfaceRollup {
    /// The five minutes as one interval of their means, stamped at their end like a rate; unknown when none of
    /// them was measured.
    var asMeasurement: InterfaceMeasurement {
        InterfaceMeasurement(
            device: device, interface: interface, time: bucketStart.addingTimeInterval(MeasurementStore.rollupSeconds),
            inBitsPerSecond: measured > 0 ? inMean : nil, outBitsPerSecond: measured > 0 ? outMean : nil,
            unknownReason: measured > 0 ? nil : "no measured interval in five minutes")
    }
}
