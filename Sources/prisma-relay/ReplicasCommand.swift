import ArgumentParser
import Relay
import RelayModel

/// `prisma-relay replicas`: the `serve` processes on this database, as their heartbeats tell.
struct ReplicasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replicas",
        abstract: "List the serve processes on this database: running, stopped, or lost (silent without a goodbye).",
        discussion: "Each beats every 5 s; one silent for 15 s is lost, and its leases and claims pass to the others as they run out.")
    @OptionGroup var db: DatabaseOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await reportingErrors {
            let app = try await db.open()
            let now = app.clock()
            let replicas = try await app.replicas()
            if json {
                print(JSONValue.array(replicas.map { $0.publicJSON(at: now) }).prettyJSONString())
                return
            }
            var rows = [["ID", "HOST", "PID", "STATE", "STARTED", "LAST HEARTBEAT", "CONNECTORS", "CLAIMS", "TWO-WAY SYNC"]]
            for replica in replicas {
                rows.append([
                    replica.id, replica.host, String(replica.pid), replica.liveness(at: now).rawValue, displayTime(replica.startedAt),
                    "\(max(0, now - replica.heartbeatAt) / 1000) s ago", replica.connectors.joined(separator: ","),
                    String(replica.claimedDeliveries), replica.twoWaySync ? "this minute" : "",
                ])
            }
            print(replicas.isEmpty ? "No replica has run on \(app.storeLocation) in the last day." : table(rows))
        }
    }
}
