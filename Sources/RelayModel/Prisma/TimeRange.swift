/// Prisma's `timeRange` model: absolute, relative or to-now.
public enum TimeRange: Sendable, Equatable {
    /// From `startTime` to `endTime`, epoch milliseconds, both inclusive.
    case absolute(startTime: Int64, endTime: Int64)
    /// The last `amount` units (minute, hour, day, week, month, year) before now.
    case relative(amount: Int, unit: String)
    /// From the start of the current unit (day, week, month, year), the epoch or the login, to now.
    case toNow(String)

    /// The request JSON.
    public var jsonValue: JSONValue {
        switch self {
        case .absolute(let start, let end):
            return .object(["type": .string("absolute"), "value": .object(["startTime": .int(start), "endTime": .int(end)])])
        case .relative(let amount, let unit):
            return .object(["type": .string("relative"), "value": .object(["amount": .int(amount), "unit": .string(unit)])])
        case .toNow(let unit):
            return .object(["type": .string("to_now"), "value": .string(unit)])
        }
    }

    static let relativeUnits = ["minute", "hour", "day", "week", "month", "year"]
    static let toNowUnits = ["login", "epoch", "day", "week", "month", "year", "minute", "hour"]

    /// Reads a `timeRange` object; the error names what is wrong.
    public init(json: JSONValue) throws(WireError) {
        guard let type = json["type"]?.stringValue?.lowercased() else { throw WireError("timeRange.type is required") }
        let value = json["value"]
        switch type {
        case "absolute":
            guard let start = value?["startTime"]?.int64Value, let end = value?["endTime"]?.int64Value else {
                throw WireError("timeRange.value needs startTime and endTime in epoch milliseconds")
            }
            guard start <= end else { throw WireError("timeRange.value.startTime is after endTime") }
            self = .absolute(startTime: start, endTime: end)
        case "relative":
            guard let amount = value?["amount"]?.int64Value, amount >= 0,
                let unit = value?["unit"]?.stringValue?.lowercased(), Self.relativeUnits.contains(unit)
            else { throw WireError("timeRange.value needs amount and unit (\(Self.relativeUnits.joined(separator: "|")))") }
            self = .relative(amount: Int(amount), unit: unit)
        case "to_now":
            guard let unit = value?.stringValue?.lowercased(), Self.toNowUnits.contains(unit) else {
                throw WireError("timeRange.value must be one of \(Self.toNowUnits.joined(separator: "|"))")
            }
            self = .toNow(unit)
        default:
            throw WireError("timeRange.type must be absolute, relative or to_now")
        }
    }

    /// The closed interval this range covers at `now` (epoch milliseconds); `login` counts from `loginAt`.
    public func interval(now: Int64, loginAt: Int64) -> ClosedRange<Int64> {
        switch self {
        case .absolute(let start, let end): return start...end
        case .relative(let amount, let unit): return max(0, now - Int64(amount) * Self.unitMillis(unit))...now
        case .toNow(let unit):
            switch unit {
            case "epoch": return 0...now
            case "login": return min(loginAt, now)...now
            default:
                let length = Self.unitMillis(unit)
                return (now - now % length)...now
            }
        }
    }

    static func unitMillis(_ unit: String) -> Int64 {
        switch unit {
        case "minute": 60_000
        case "hour": 3_600_000
        case "day": 86_400_000
        case "week": 604_800_000
        case "month": 2_592_000_000
        default: 31_536_000_000
        }
    }
}

/// A Prisma request or response that does not have the documented shape.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
