import BPFLoader
import SwiftLBABI

extension ConntrackTable {
    /// The slots of whole flows among `slots`: each entry with its twin (the other direction),
    /// and no entry whose twin is not in the table (yet). A DSR entry is a whole flow by itself.
    ///
    /// Conntrack sync sends new flows by these, so that a flow's two entries leave together: a
    /// peer that took over holding only the forward entry would forward the client's packets and
    /// pass the endpoint's replies untranslated, and the client would wait until it timed out.
    /// The twin's own record (written a moment later) brings the pair.
    public func flowSlots(_ slots: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        for slot in slots {
            guard let entry = entry(atSlot: slot) else { continue }
            if entry.value.nat.flags & UInt8(SLB_NAT_DSR.rawValue) != 0 {
                result.append(slot)
                continue
            }
            guard let twin = try? twin(of: entry) else { continue }
            result += [slot, twin.slot]
        }
        return result
    }

    /// The entry of the other direction of `entry`'s flow, if it is in the table and points back
    /// to `entry` (a reply entry a reopened full NAT flow left holding its port does not).
    public func twin(of entry: Entry) throws(BPFError) -> Entry? {
        guard let twin = try self.entry(entry.key.reply(after: entry.value.nat)),
            twin.key.reply(after: twin.value.nat).isSame(as: entry.key)
        else { return nil }
        return twin
    }
}
