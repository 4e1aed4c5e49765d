import ArgumentParser
import Foundation
import HTTPServing
import NIOSSL
import PrismaSim
import RelayModel
import RelayServer

/// `prisma-relay sim`.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Serve a simulated Prisma Cloud tenant (login, alerts, rate limits, faults) until interrupted.")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8181

    @Option(help: "Alerts opened over the last 24 hours.")
    var alerts = 1_000

    @Option(help: "Audit log records over the last 24 hours.")
    var auditRecords = 0

    @Option(help: "Seed for credentials and alerts.")
    var seed: UInt64 = 1

    @Option(help: "Alert endpoint requests per second per user (Prisma: 2); 0 turns the limit off.")
    var rateLimit: Double = 2

    @Option(help: "Rate limit burst (Prisma: 10).")
    var burst = 10

    @Option(help: "JWT lifetime in seconds (Prisma: 600).")
    var tokenLifetime = 600

    @Option(help: "PEM certificate chain, to serve HTTPS (with --tls-key).") var tlsCert: String?
    @Option(help: "PEM private key of the certificate.") var tlsKey: String?

    @Option(name: .customLong("fault"), help: "Inject a fault: 503:N, 429:N, malformed:N, html:N, slow:MS, expire:PAGES, trailing-empty.")
    var faults: [String] = []

    func run() async throws {
        try await reportingErrors {
            guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
            let tls = try tlsCert.map { try TLSConfiguration.server(certificateFile: $0, keyFile: tlsKey!) }
            var plan = SimFaults()
            for fault in faults { try plan.apply(fault) }
            let simulator = PrismaSimulator(
                configuration: .init(
                    seed: seed, tokenLifetimeSeconds: tokenLifetime, rateLimitPerSecond: rateLimit > 0 ? rateLimit : nil,
                    rateLimitBurst: burst))
            await simulator.addRecentAlerts(alerts)
            if auditRecords > 0 { await simulator.addAuditRecords(auditRecords) }
            await simulator.setFaults(plan)
            let server = try await simulator.serve(host: host, port: port, tls: tls)
            // The relay refuses loopback addresses unless told: the command to paste says so first.
            let allowing =
                OutboundPolicy.isThisMachine(host)
                ? "export \(OutboundPolicy.environmentKeys.allow)=\(host)   # the relay reaches this machine only when allowed\n     " : ""
            print(
                """
                Simulated Prisma Cloud API at \(server.url) with \(alerts) alerts\(auditRecords > 0 ? " and \(auditRecords) audit records" : "")
                Access key ID: \(simulator.user.accessKeyID)
                Secret key: \(simulator.user.secretKey)
                Try: \(allowing)PRISMA_RELAY_SECRET='\(simulator.user.secretKey)' prisma-relay connector add --name sim --type cspm --url \(server.url) --key-id \(simulator.user.accessKeyID)
                """)
            fflush(nil)
            try await server.wait()
        }
    }
}
