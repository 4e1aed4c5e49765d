import Dispatch
import Foundation
import RelayModel

/// `read-back N`: what reading a claimed row costs the relay's own code, without the store: N of the bench's events
/// as stored (about 2.9 KB each) read back as a claim reads them — without, then with, the fields that name people
/// and hosts (what enrichment reads), each dropped once read — and those fields taken from each row of N claimed
/// rows, as the enricher takes them. Prints one row each: what, events, microseconds per event (the best of 7 passes:
/// a time this machine's noise only lengthens).
func readBackBench(events count: Int) throws -> [String] {
    let bodies = (0..<count).map { benchEvent($0).jsonBytes() }
    let rows = try bodies.enumerated().map { index, body in
        QueuedDelivery(
            seq: Int64(index), event: try NormalizedEvent(storedJSON: body, readingSubjectFields: true), attempts: 0, createdAt: 0)
    }
    func best(_ what: String, _ pass: () throws -> Int) rethrows -> String {
        var fastest = UInt64.max
        for _ in 0..<7 {
            let started = DispatchTime.now().uptimeNanoseconds
            guard try pass() == count else { fatalError("\(what): a pass did not read every event") }
            fastest = min(fastest, DispatchTime.now().uptimeNanoseconds - started)
        }
        return [what, String(count), String(format: "%.2f", Double(fastest) / 1e3 / Double(count))].joined(separator: "\t")
    }
    // Each event is dropped as soon as it is read: what is timed is the reading, not memory growing by 10,000 events.
    func read(subjects: Bool) throws -> Int {
        try bodies.reduce(0) { read, body in
            read + (try NormalizedEvent(storedJSON: body, readingSubjectFields: subjects).rawEvent.objectValue == nil ? 0 : 1)
        }
    }
    return [
        try best("event") { try read(subjects: false) },
        try best("event+subjects") { try read(subjects: true) },
        best("subjects") { rows.indices.reduce(0) { $0 + (NormalizedEvent.subjectFields(of: rows[$1].event.rawEvent) == .null ? 0 : 1) } },
    ]
}
