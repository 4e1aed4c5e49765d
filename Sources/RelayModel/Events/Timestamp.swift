/// RFC 3339 timestamps from Prisma's epoch milliseconds, computed without a formatter so that normalizing
/// stays pure, fast and independent of the process's locale and time zone.
public enum Timestamp {
    /// `2022-11-23T09:40:36.771Z` for 1669196436771.
    public static func rfc3339(epochMilliseconds ms: Int64) -> String {
        let seconds = ms.floorDivided(by: 1000)
        let millis = Int(ms - seconds * 1000)
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        guard (0...9999).contains(year) else {
            return "\(pad(Int(year), 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
                + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(millis, 3))Z"
        }
        // Written digit by digit: every event carries three of these, and interpolation cost more than the rest of
        // normalizing.
        return String(unsafeUninitializedCapacity: 24) { text in
            func put(_ value: Int, width: Int, at position: Int) {
                var rest = value
                for offset in (0..<width).reversed() {
                    text[position + offset] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
            }
            put(Int(year), width: 4, at: 0)
            put(month, width: 2, at: 5)
            put(day, width: 2, at: 8)
            put(secondOfDay / 3600, width: 2, at: 11)
            put(secondOfDay / 60 % 60, width: 2, at: 14)
            put(secondOfDay % 60, width: 2, at: 17)
            put(millis, width: 3, at: 20)
            (text[4], text[7], text[10]) = (UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: "T"))
            (text[13], text[16], text[19], text[23]) = (UInt8(ascii: ":"), UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "Z"))
            return 24
        }
    }

    /// `09:40:36 UTC` for 1669196436771: a time of day for status lines.
    public static func clockTime(epochMilliseconds ms: Int64) -> String {
        let secondOfDay = Int(ms.floorDivided(by: 1000) - ms.floorDivided(by: 86_400_000) * 86_400)
        return "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)) UTC"
    }

    // Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

extension Timestamp {
    /// The epoch milliseconds that lead a version: its digits up to its end or a non-digit (an alert's `lastUpdated`,
    /// a runtime audit's `millis-count`), at most 15 of them; nil when it does not start with a digit.
    public static func epochMilliseconds(leading version: String) -> Int64? {
        var millis: Int64 = 0
        var digits = 0
        for byte in version.utf8 {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { break }
            guard digits < 15 else { return nil }
            millis = millis * 10 + Int64(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? millis : nil
    }

    /// Epoch milliseconds of an RFC 3339 time (`2024-05-01T12:34:56.789Z`, `…+02:00`), or nil when malformed.
    public static func epochMilliseconds(rfc3339 text: String) -> Int64? {
        let c = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= c.count else { return nil }
            var value: Int64 = 0
            for i in range {
                guard c[i] >= 48, c[i] <= 57 else { return nil }
                value = value * 10 + Int64(c[i] - 48)
            }
            return value
        }
        guard c.count >= 20, c[4] == UInt8(ascii: "-"), c[7] == UInt8(ascii: "-"), c[10] == UInt8(ascii: "T") || c[10] == UInt8(ascii: "t"),
            c[13] == UInt8(ascii: ":"), c[16] == UInt8(ascii: ":"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var millis: Int64 = 0
        if index < c.count, c[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < c.count, c[index] >= 48, c[index] <= 57 {
                if digits < 3 { millis = millis * 10 + Int64(c[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { millis *= 10 } }
        }
        guard index < c.count else { return nil }
        var offsetMinutes: Int64 = 0
        if c[index] == UInt8(ascii: "Z") || c[index] == UInt8(ascii: "z") {
            index += 1
        } else if c[index] == UInt8(ascii: "+") || c[index] == UInt8(ascii: "-") {
            guard let h = number((index + 1)..<(index + 3)), index + 3 < c.count, c[index + 3] == UInt8(ascii: ":"),
                let m = number((index + 4)..<(index + 6))
            else { return nil }
            offsetMinutes = (h * 60 + m) * (c[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == c.count else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        return ((days * 86_400 + hour * 3600 + minute * 60 + second) - offsetMinutes * 60) * 1000 + millis
    }

    // Howard Hinnant's days-from-civil algorithm.
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
