import Dispatch
import Foundation
import RelayModel
import RelayStore

/// `queries N`: what reading the stored events costs at N of them, as the console's overview and events pages and the
/// events API read them. N of the bench's events (about 2.9 KB each, of three connectors, the simulator's mix of
/// severities, one a second back from now, so that the last 24 hours hold 86,400 of them) are stored in pages of 1,000
/// as polls store them (the first row: how long that took); then each read is timed, the best of three. Prints one row
/// per read: what, events, milliseconds.
func queriesBench(events count: Int, directory: URL) async throws -> [String] {
    let store = try SQLiteStore(path: directory.appendingPathComponent("queries.sqlite").path)
    let connectors = ["prod", "stage", "dev"]
    let now = Int64(Date().timeIntervalSince1970 * 1000)
    let storing = DispatchTime.now().uptimeNanoseconds
    for start in stride(from: 0, to: count, by: 1_000) {
        let page = try (start..<min(count, start + 1_000)).map { index in
            var alert = benchAlert(index)
            let time = now - Int64(count - index) * 1_000
            alert["lastUpdated"] = .number(String(time))
            alert["alertTime"] = .number(String(time))
            return try AlertNormalizer.normalize(.object(alert), connector: connectors[index % 3], observedAt: time)
        }
        _ = try await store.commit(events: page, connector: "bench", cursor: nil)
    }
    let stored = Double(DispatchTime.now().uptimeNanoseconds - storing) / 1e6
    let dayAgo = now - 86_400_000
    let reads: [(String, () async throws -> Void)] = [
        ("overview: total", { _ = try await store.countEvents(EventQuery()) }),
        ("overview: last 24 hours by hour", { _ = try await store.hourlyCounts(since: dayAgo, connector: nil) }),
        ("overview: a connector's last 24 hours", { _ = try await store.hourlyCounts(since: dayAgo, connector: "prod") }),
        ("summary: by severity and module", { _ = try await store.eventSummary(connector: nil) }),
        ("summary: a connector's", { _ = try await store.eventSummary(connector: "prod") }),
        ("events: newest 50, and the count", { try await page(EventQuery(limit: 50)) }),
        ("events: a connector's, high", { try await page(EventQuery(connector: "prod", severity: .high, limit: 50)) }),
        ("events: audit records (none)", { try await page(EventQuery(kind: .audit, limit: 50)) }),
        ("events: CWPP, open", { try await page(EventQuery(module: .cwpp, status: "open", limit: 50)) }),
        ("events: a connector's alerts, low", { try await page(EventQuery(connector: "dev", severity: .low, kind: .alert, limit: 50)) }),
    ]
    func page(_ query: EventQuery) async throws {
        _ = try await store.eventPage(query)
        _ = try await store.countEvents(query)
    }
    var rows = [["storing them, in pages of 1,000", String(count), String(format: "%.0f", stored)].joined(separator: "\t")]
    for (what, read) in reads {
        var fastest = UInt64.max
        for _ in 0..<3 {
            let started = DispatchTime.now().uptimeNanoseconds
            try await read()
            fastest = min(fastest, DispatchTime.now().uptimeNanoseconds - started)
        }
        rows.append([what, String(count), String(format: "%.1f", Double(fastest) / 1e6)].joined(separator: "\t"))
    }
    return rows
}
