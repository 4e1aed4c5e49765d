/// What an integration's deliveries did in one hour: rows delivered, attempts that will be retried, rows given up
/// on, and how long the delivered ones waited from being queued to being acknowledged.
public struct DeliveryHour: Sendable, Equatable {
    /// The hour's start, epoch ms.
    public var hour: Int64
    public var delivered: Int
    public var retried: Int
    public var dead: Int
    public var latency: LatencyHistogram

    public init(hour: Int64, delivered: Int = 0, retried: Int = 0, dead: Int = 0, latency: LatencyHistogram = LatencyHistogram()) {
        self.hour = hour
        self.delivered = delivered
        self.retried = retried
        self.dead = dead
        self.latency = latency
    }

    /// The hour `time` falls in.
    public static func start(of time: Int64) -> Int64 { time - ((time % 3_600_000) + 3_600_000) % 3_600_000 }

    /// How long the store keeps an integration's hours: a week and a day.
    public static let keptMillis: Int64 = 8 * 86_400_000
}

/// Delivery latencies counted in fixed buckets, so that hours from any number of processes add up and a percentile
/// can be read from them: each count is of latencies up to its bound (the last bucket has none). Pure.
public struct LatencyHistogram: Sendable, Equatable {
    /// The buckets' upper bounds, in ms.
    public static let bounds: [Int64] = [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 3_600_000]

    /// One count per bound, then the count above the last bound.
    public private(set) var counts: [Int]

    public init() { counts = Array(repeating: 0, count: Self.bounds.count + 1) }

    /// From stored counts; a list of another length (another build's buckets) is read as far as it matches.
    public init(counts stored: [Int]) {
        self.init()
        for (index, count) in stored.prefix(counts.count).enumerated() { counts[index] = count }
    }

    /// As the stores keep it: the counts, comma-separated.
    public init(stored: String) {
        self.init(counts: stored.split(separator: ",").map { Int($0) ?? 0 })
    }
    public var stored: String { counts.map(String.init).joined(separator: ",") }

    public var total: Int { counts.reduce(0, +) }

    public mutating func add(_ millis: Int64) {
        counts[Self.bounds.firstIndex { millis <= $0 } ?? Self.bounds.count] += 1
    }

    public mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
    }

    /// The bound under which `fraction` (0.5 for the median) of the latencies fall, in ms; nil with nothing
    /// counted, `Int64.max` when it is above the last bound.
    public func percentile(_ fraction: Double) -> Int64? {
        let total = total
        guard total > 0 else { return nil }
        let wanted = max(1, Int((Double(total) * fraction).rounded(.up)))
        var seen = 0
        for (index, count) in counts.enumerated() {
            seen += count
            if seen >= wanted { return index < Self.bounds.count ? Self.bounds[index] : .max }
        }
        return .max
    }
}

/// Failed attempts of an integration recorded together: the destination's answer, in the words the delivery
/// recorded, and how many rows it was given for.
public struct DeliveryFailure: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The rows wait for another attempt.
        case retried
        /// The rows were given up on: dead letters.
        case dead
    }
    public var at: Int64
    public var kind: Kind
    public var rows: Int
    public var message: String

    public init(at: Int64, kind: Kind, rows: Int, message: String) {
        self.at = at
        self.kind = kind
        self.rows = rows
        self.message = message
    }

    /// How many an integration's record keeps: the most recent ones.
    public static let kept = 50

    /// The failures among `records`, one per kind and message.
    public static func of(_ records: [DeliveryRecord], at time: Int64) -> [DeliveryFailure] {
        var failures: [DeliveryFailure] = []
        for record in records {
            let (kind, message): (Kind, String)
            switch record.result {
            case .retry(_, let error): (kind, message) = (.retried, error)
            case .dead(let reason): (kind, message) = (.dead, reason)
            case .delivered, .held, .filtered: continue
            }
            if let index = failures.firstIndex(where: { $0.kind == kind && $0.message == message }) {
                failures[index].rows += 1
            } else {
                failures.append(DeliveryFailure(at: time, kind: kind, rows: 1, message: message))
            }
        }
        return failures
    }
}
