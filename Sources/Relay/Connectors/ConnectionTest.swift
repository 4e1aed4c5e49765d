import RelayModel

/// The answer of "Test Connection".
public struct ConnectionTestResult: Sendable, Equatable {
    public var success: Bool
    /// "Connection successful at …" or the error in an operator's words.
    public var message: String
    /// When the test ran, epoch milliseconds.
    public var testedAt: Int64
}

/// Tests a connector's configuration the way a poll would use it: log in, then read, which also proves the
/// key's role may view what the connector collects.
public enum ConnectionTest {
    public static func run(source: any FindingSource, now: Int64) async -> ConnectionTestResult {
        do {
            try await source.probe(now: now)
            return ConnectionTestResult(
                success: true, message: "Connection successful at \(Timestamp.rfc3339(epochMilliseconds: now))", testedAt: now)
        } catch {
            return ConnectionTestResult(success: false, message: String(describing: error), testedAt: now)
        }
    }
}
