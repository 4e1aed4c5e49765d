import Foundation
import Logging
import RelayModel

/// `serve --log-format json`: one JSON object per line — time, level, label, the fixed message, the source, then the
/// metadata's keys — for log pipelines that parse JSON (Vector, Fluent Bit, Elastic Agent, Splunk).
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let clock: @Sendable () -> Int64
    let write: @Sendable (String) -> Void

    public init(
        label: String, clock: @escaping @Sendable () -> Int64 = RelayApp.wallClock,
        write: @escaping @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    ) {
        self.label = label
        self.clock = clock
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        write(
            Self.line(
                time: clock(), level: event.level, label: label, message: event.message.description, source: event.source,
                metadata: merged))
    }

    /// The line for one entry; a metadata key that is one of the fixed ones is written under `metadata.<key>`.
    static func line(time: Int64, level: Logger.Level, label: String, message: String, source: String, metadata: Logger.Metadata)
        -> String
    {
        var object: JSONObject = [
            "time": .string(Timestamp.rfc3339(epochMilliseconds: time)), "level": .string(level.rawValue), "label": .string(label),
            "message": .string(message), "source": .string(source),
        ]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            object[object[key] == nil ? key : "metadata.\(key)"] = json(value)
        }
        return JSONValue.object(object).jsonString()
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .stringConvertible(let value): return .string(value.description)
        case .array(let items): return .array(items.map(json))
        case .dictionary(let entries):
            return .object(JSONObject(entries.sorted { $0.key < $1.key }.map { JSONObject.Member(key: $0.key, value: json($0.value)) }))
        }
    }
}
