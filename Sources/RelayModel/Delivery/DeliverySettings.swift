import Foundation

/// The operator's delivery limits, the same for every integration: how often and how long an event is retried
/// before it becomes a dead letter, and how many requests go to one integration at once.
public struct DeliverySettings: Sendable, Equatable {
    /// Attempts per event, the first included; the last failure dead-letters it.
    public var maxAttempts: Int
    /// An event still undelivered this long after it was queued is dead-lettered at its next failure.
    public var maxAgeSeconds: Int64
    /// Requests to one integration in flight at once (events of one alert still go one after another).
    public var concurrency: Int
    /// On SIGTERM, how long requests and polls in flight may take before they are cancelled (what they did not
    /// finish stays queued, or is left to the next poll).
    public var shutdownGraceSeconds: Int64
    /// How long a worker's claim on the deliveries it is sending lasts (renewed while it sends): rows a killed
    /// process claimed go back to the queue this long after.
    public var claimLeaseSeconds: Int64
    /// How long an event may wait for its enrichment (Okta, Qualys, Tenable) before it goes out with the source's
    /// error in its place.
    public var enrichmentHoldBackSeconds: Int64

    public init(
        maxAttempts: Int = 8, maxAgeSeconds: Int64 = 24 * 3600, concurrency: Int = 4, shutdownGraceSeconds: Int64 = 10,
        claimLeaseSeconds: Int64 = 120, enrichmentHoldBackSeconds: Int64 = 30
    ) {
        self.maxAttempts = maxAttempts
        self.maxAgeSeconds = maxAgeSeconds
        self.concurrency = concurrency
        self.shutdownGraceSeconds = shutdownGraceSeconds
        self.claimLeaseSeconds = claimLeaseSeconds
        self.enrichmentHoldBackSeconds = enrichmentHoldBackSeconds
    }

    /// The environment variables that set each limit, in the order of `init`'s parameters.
    public static let environmentKeys = (
        maxAttempts: "PRISMA_RELAY_DELIVERY_MAX_ATTEMPTS", maxAge: "PRISMA_RELAY_DELIVERY_MAX_AGE",
        concurrency: "PRISMA_RELAY_DELIVERY_CONCURRENCY", shutdownGrace: "PRISMA_RELAY_SHUTDOWN_GRACE",
        claimLease: "PRISMA_RELAY_DELIVERY_CLAIM_LEASE", enrichmentHoldBack: "PRISMA_RELAY_ENRICHMENT_HOLD_BACK"
    )

    /// Settings from text (command-line options, falling back to the environment), every problem named by the
    /// option that carries it. Ages read as `90s`, `45m`, `24h`, `7d`, or plain seconds.
    public static func parse(
        maxAttempts: String?, maxAge: String?, concurrency: String?, shutdownGrace: String? = nil,
        environment: [String: String] = [:]
    ) throws(ConfigErrors) -> DeliverySettings {
        let keys = environmentKeys
        var settings = DeliverySettings()
        var errors: [ConfigError] = []
        func whole(_ text: String?, _ name: String, _ range: ClosedRange<Int>) -> Int? {
            guard let text else { return nil }
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
                errors.append(
                    ConfigError(field: name, "must be a whole number from \(range.lowerBound) to \(range.upperBound), not \"\(text)\""))
                return nil
            }
            return number
        }
        if let value = whole(maxAttempts ?? environment[keys.maxAttempts], "--delivery-max-attempts (\(keys.maxAttempts))", 1...1000) {
            settings.maxAttempts = value
        }
        if let value = whole(concurrency ?? environment[keys.concurrency], "--delivery-concurrency (\(keys.concurrency))", 1...64) {
            settings.concurrency = value
        }
        if let text = maxAge ?? environment[keys.maxAge] {
            if let seconds = seconds(in: text), (60...30 * 86_400).contains(seconds) {
                settings.maxAgeSeconds = seconds
            } else {
                errors.append(
                    ConfigError(
                        field: "--delivery-max-age (\(keys.maxAge))",
                        "must be a duration from 1m to 30d such as 90m, 24h or 7d, not \"\(text)\""))
            }
        }
        if let text = shutdownGrace ?? environment[keys.shutdownGrace] {
            if let seconds = seconds(in: text), (0...600).contains(seconds) {
                settings.shutdownGraceSeconds = seconds
            } else {
                errors.append(
                    ConfigError(
                        field: "--shutdown-grace (\(keys.shutdownGrace))",
                        "must be a duration from 0s to 10m such as 10s or 1m, not \"\(text)\""))
            }
        }
        if let text = environment[keys.claimLease] {
            if let seconds = seconds(in: text), (5...3600).contains(seconds) {
                settings.claimLeaseSeconds = seconds
            } else {
                errors.append(
                    ConfigError(
                        field: keys.claimLease,
                        "must be a duration from 5s to 1h such as 120s or 5m (longer than a request may take), not \"\(text)\""))
            }
        }
        if let text = environment[keys.enrichmentHoldBack] {
            if let seconds = seconds(in: text), (0...600).contains(seconds) {
                settings.enrichmentHoldBackSeconds = seconds
            } else {
                errors.append(
                    ConfigError(field: keys.enrichmentHoldBack, "must be a duration from 0s to 10m such as 30s or 2m, not \"\(text)\""))
            }
        }
        guard errors.isEmpty else { throw ConfigErrors(errors) }
        return settings
    }

    /// Seconds in `90s`, `45m`, `24h`, `7d` or a plain number of seconds.
    public static func seconds(in text: String) -> Int64? {
        let text = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let unit = text.last, let scale = units[unit] { return Int64(text.dropLast()).map { $0 * scale } }
        return Int64(text)
    }
}
