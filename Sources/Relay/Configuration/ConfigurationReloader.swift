import Dispatch
import Foundation
import Logging
import RelayModel
import ServiceLifecycle

/// `serve --config FILE`: applies the file again on each SIGHUP, as daemons reload their configuration. A file that
/// no longer checks out is logged with its problems and changes nothing; the relay goes on with what it runs.
struct ConfigurationReloader: Service {
    let app: RelayApp
    let path: String

    func run() async throws {
        signal(SIGHUP, SIG_IGN)
        let (hangups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let source = DispatchSource.makeSignalSource(signal: SIGHUP)
        source.setEventHandler { continuation.yield() }
        source.resume()
        defer { source.cancel() }
        for await _ in hangups.cancelOnGracefulShutdown() {
            await app.applyConfigurationFile(path, reason: "SIGHUP")
        }
    }
}

extension RelayApp {
    /// Reads, plans and applies the configuration file at `path`, logging what changed or why nothing did; returns
    /// the error when the file was refused.
    @discardableResult
    public func applyConfigurationFile(_ path: String, reason: String) async -> (any Error)? {
        do {
            let plan = try await configuration.plan(try ConfigurationDocument.read(path: path))
            try await configuration.apply(plan)
            let changed = ConfigurationSettings.keys.filter { plan.settings[$0.variable] != configurationSettings[$0.variable] }
            if !changed.isEmpty {
                logger.warning(
                    "settings changed in the configuration file take effect when the relay restarts",
                    metadata: ["file": .string(path), "settings": .array(changed.map { .string($0.key) })])
            }
            logger.info(
                "configuration applied",
                metadata: [
                    "file": .string(path), "reason": .string(reason), "changes": .stringConvertible(plan.entries.count),
                    "plan": .array(plan.entries.map { .string("\($0.action.rawValue) \($0.what)") }),
                ])
            return nil
        } catch {
            logger.error(
                "configuration not applied: nothing changed",
                // A URL a problem quotes is logged without any credentials it carries.
                metadata: ["file": .string(path), "reason": .string(reason), "error": .string(URLRedaction.redactURLs(in: "\(error)"))])
            return error
        }
    }
}
