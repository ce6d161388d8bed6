import ArgumentParser
import Model
import Store

/// Which of the inventory's devices a command works on: all, a county's, a school's or one.
struct DeviceScopeOptions: ParsableArguments {
    @Option(help: "Only the devices of this county.") var county: String?
    @Option(help: "Only the devices of this school.") var school: String?
    @Option(help: "Only this device (an inventory id).") var device: String?

    /// What the options select in `inventory`, once the ids they name are checked against it.
    func selection(in inventory: Inventory) throws(StoreError) -> @Sendable (Device) -> Bool {
        try inventory.requireKnown(county: county, school: school, device: device)
        let countyOf = inventory.countyOfDevice
        let (county, school, device) = (county, school, device)
        return { d in
            (device == nil || d.id == device) && (school == nil || d.school == school) && (county == nil || countyOf[d.id] == county)
        }
    }
}
