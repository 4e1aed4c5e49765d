import Foundation

/// What an analyst can do to a finding in Prisma Cloud through the relay: dismiss, snooze or reopen a CSPM alert;
/// acknowledge (archive) or unacknowledge a Compute incident.
public enum AlertAction: Sendable, Equatable {
    /// Dismissed for good, with a note (Prisma keeps it as `dismissalNote`).
    case dismiss(note: String)
    /// Dismissed until the duration has passed, then open (or resolved) again.
    case snooze(note: String, for: SnoozeDuration)
    /// A dismissed or snoozed alert set open again.
    case reopen
    /// A Compute incident archived.
    case acknowledge
    /// An archived Compute incident brought back.
    case unacknowledge

    /// The action's word in the API, the CLI and the records: `dismiss`, `snooze`, `reopen`, `acknowledge`,
    /// `unacknowledge`.
    public var name: String {
        switch self {
        case .dismiss: "dismiss"
        case .snooze: "snooze"
        case .reopen: "reopen"
        case .acknowledge: "acknowledge"
        case .unacknowledge: "unacknowledge"
        }
    }

    /// Every action's word, in the order the API lists them.
    public static let names = ["dismiss", "snooze", "reopen", "acknowledge", "unacknowledge"]

    /// The note sent with it, when it has one.
    public var note: String? {
        switch self {
        case .dismiss(let note), .snooze(let note, _): note
        default: nil
        }
    }

    /// The alert status Prisma gives the alert: `dismissed`, `snoozed`, `open`; nil for the incident actions.
    public var resultingStatus: String? {
        switch self {
        case .dismiss: "dismissed"
        case .snooze: "snoozed"
        case .reopen: "open"
        case .acknowledge, .unacknowledge: nil
        }
    }

    /// Whether it acts on a Compute incident (`acknowledge`, `unacknowledge`) rather than a CSPM alert.
    public var isIncidentAction: Bool {
        switch self {
        case .acknowledge, .unacknowledge: true
        default: false
        }
    }

    /// An action as the API and the console give it: `action` (one of `names`), `note` (dismiss and snooze) and
    /// `duration` (snooze: `24h`, `3d`, `2w`…), asked by `actor`. A dismissal or snooze without a note gets one
    /// naming the actor, so a tenant that requires notes never refuses it and Prisma's record says where it came from.
    public init(action: String?, note: String?, duration: String?, actor: String) throws(ConfigErrors) {
        var errors: [ConfigError] = []
        let name = action?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let written = note.isEmpty ? "\(name == "snooze" ? "Snoozed" : "Dismissed") through PrismaRelay by \(actor)" : note
        if ["dismiss", "snooze"].contains(name), written.count > Self.maxNote {
            errors.append(ConfigError(field: "note", "is \(written.count) characters long: keep it to \(Self.maxNote)"))
        }
        if !note.isEmpty, Self.names.contains(name) || ["ack", "unack"].contains(name), !["dismiss", "snooze"].contains(name) {
            errors.append(ConfigError(field: "note", "is kept with a dismissal or a snooze only: leave it out to \(name)"))
        }
        var parsed: AlertAction?
        switch name {
        case "dismiss": parsed = .dismiss(note: written)
        case "snooze":
            guard let duration, !duration.isEmpty else {
                errors.append(ConfigError(field: "duration", "is needed to snooze: say for how long, like 24h, 3d or 2w"))
                break
            }
            do throws(ConfigError) {
                parsed = .snooze(note: written, for: try SnoozeDuration(parsing: duration))
            } catch {
                errors.append(error)
            }
        case "reopen": parsed = .reopen
        case "acknowledge", "ack": parsed = .acknowledge
        case "unacknowledge", "unack": parsed = .unacknowledge
        case "": errors.append(ConfigError(field: "action", "is missing: give one of \(Self.names.joined(separator: ", "))"))
        default:
            errors.append(ConfigError(field: "action", "\"\(name)\" is not an action: give one of \(Self.names.joined(separator: ", "))"))
        }
        if duration != nil, !(duration?.isEmpty ?? true), name != "snooze" {
            errors.append(ConfigError(field: "duration", "is for snooze only: leave it out to \(name.isEmpty ? "act" : name)"))
        }
        guard errors.isEmpty, let parsed else { throw ConfigErrors(errors) }
        self = parsed
    }

    /// The longest note accepted.
    public static let maxNote = 2_000
}

/// How long a snooze lasts, in Prisma's relative time units (`{"amount": 3, "unit": "day"}`: three days from now).
public struct SnoozeDuration: Sendable, Equatable, CustomStringConvertible {
    public enum Unit: String, Sendable, CaseIterable {
        case hour, day, week, month, year
    }

    public var amount: Int
    public var unit: Unit

    public init(amount: Int, unit: Unit) {
        self.amount = amount
        self.unit = unit
    }

    /// `24h`, `3d`, `2w`, `1mo`, `1y`, or the same with the unit spelled out (`3 days`).
    public init(parsing text: String) throws(ConfigError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = trimmed.prefix(while: \.isNumber)
        let word = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        let units: [String: Unit] = [
            "h": .hour, "hour": .hour, "hours": .hour, "d": .day, "day": .day, "days": .day, "w": .week, "week": .week,
            "weeks": .week, "mo": .month, "month": .month, "months": .month, "y": .year, "year": .year, "years": .year,
        ]
        guard let amount = Int(digits), amount > 0, amount <= 1_000, let unit = units[word] else {
            throw ConfigError(
                field: "duration",
                "\"\(text)\" is not a duration: give a whole number and a unit, like 24h, 3d, 2w, 1mo or 1y")
        }
        self.init(amount: amount, unit: unit)
    }

    /// `3 days`, `1 hour`.
    public var description: String { "\(amount) \(unit.rawValue)\(amount == 1 ? "" : "s")" }
}
