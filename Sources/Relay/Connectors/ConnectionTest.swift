import PrismaAPI
import RelayModel

/// The answer of "Test Connection".
public struct ConnectionTestResult: Sendable, Equatable {
    public var success: Bool
    /// "Connection successful at …" or the error in an operator's words.
    public var message: String
    /// When the test ran, epoch milliseconds.
    public var testedAt: Int64
}

/// Tests a connector's configuration the way a poll would use it: log in, then ask for one alert, which also
/// proves the key's role may view alerts.
public enum ConnectionTest {
    public static func run(client: CSPMClient, config: ConnectorConfig, now: Int64) async -> ConnectionTestResult {
        do {
            try await client.login()
            let probe = AlertQuery(timeRange: .relative(amount: 1, unit: "hour"), limit: 1, detailed: false)
            _ = try await client.fetchAlertPage(probe, path: config.alertPath)
            return ConnectionTestResult(
                success: true, message: "Connection successful at \(Timestamp.rfc3339(epochMilliseconds: now))", testedAt: now)
        } catch {
            return ConnectionTestResult(success: false, message: String(describing: error), testedAt: now)
        }
    }
}
