import Foundation
import Logging
import RelayModel
import Testing

@testable import Relay

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    @Test("a line holds time, level, label, message and source, then the metadata's keys; a key clashing with those is nested")
    func line() throws {
        let line = JSONLogHandler.line(
            time: 1_763_780_400_123, level: .warning, label: "prisma-relay", message: "poll failed", source: "Relay",
            metadata: [
                "connector": "prod", "pages": .stringConvertible(3), "level": "mine",
                "plan": .array(["+ connector prod"]), "window": .dictionary(["from": "a", "to": "b"]),
            ])
        #expect(
            line
                == #"{"time":"2025-11-22T03:00:00.123Z","level":"warning","label":"prisma-relay","message":"poll failed","source":"Relay","connector":"prod","metadata.level":"mine","pages":"3","plan":["+ connector prod"],"window":{"from":"a","to":"b"}}"#
        )
        #expect(try JSONValue.parse(Array(line.utf8))["message"] == .string("poll failed"))
    }

    @Test("the handler writes one line per entry at or above its level, with the logger's own metadata")
    func handler() {
        let lines = Lines()
        var logger = Logger(label: "t") { JSONLogHandler(label: $0, clock: { 0 }, write: { lines.append($0) }) }
        logger[metadataKey: "replica"] = "r1"
        logger.debug("hidden")
        logger.info("kept", metadata: ["n": "1"])
        #expect(lines.all.count == 1)
        #expect(lines.all.first?.contains(#""message":"kept","source":"RelayTests","n":"1","replica":"r1"}"#) == true, "\(lines.all)")
    }
}

final class Lines: @unchecked Sendable {
    private var lines: [String] = []
    private let lock = NSLock()
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
