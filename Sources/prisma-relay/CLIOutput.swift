import ArgumentParser
import Foundation
import Logging
import Relay
import RelayModel

/// Runs a command body and turns any error into one line on stderr and exit status 1.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch let unknown as UnknownReference {
        printError(unknown.withListHint)
        throw ExitCode.failure
    } catch {
        printError(String(describing: error))
        throw ExitCode.failure
    }
}

extension UnknownReference {
    /// The sentence, with the command that lists what there is.
    var withListHint: String {
        let list = ["integration": "integration list", "alert rule": "rule list"][kind].map { " (prisma-relay \($0) shows them)" }
        return description + (list ?? "")
    }
}

/// Writes `prisma-relay: message` to stderr.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("prisma-relay: \(message)\n".utf8))
}

/// A time for people: RFC 3339, or "never".
func displayTime(_ ms: Int64?) -> String { ms.map(Timestamp.rfc3339(epochMilliseconds:)) ?? "never" }

/// Left-aligned columns.
func table(_ rows: [[String]]) -> String {
    guard let first = rows.first else { return "" }
    let widths = (0..<first.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
    return rows.map { row in
        row.enumerated().map { column, cell in
            column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}

/// Logs warnings and errors to stderr, one line each, for commands run by a person.
struct CLILogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .warning

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        // Errors reach the user through the command's own one-line report; only warnings are shown here.
        guard event.level == .warning || event.level == .notice else { return }
        let fields = (metadata.merging(event.metadata ?? [:]) { $1 }).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        FileHandle.standardError.write(Data("\(event.level): \(event.message) \(fields.joined(separator: " "))\n".utf8))
    }
}
