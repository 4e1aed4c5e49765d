/// A credential that never prints its value: `description`, `debugDescription` and string interpolation all
/// give the mask. Read it only where it is sent, with `reveal()`.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The text shown instead of a secret.
    public static let mask = "********"
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The secret itself, for the one place that must send it.
    public func reveal() -> String { value }

    /// Whether no secret was given.
    public var isEmpty: Bool { value.isEmpty }

    public var description: String { Self.mask }
    public var debugDescription: String { Self.mask }
}
