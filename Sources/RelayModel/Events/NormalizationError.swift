/// A Prisma object that cannot become an event.
public enum NormalizationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The object is not a JSON object.
    case notAnObject
    /// A field needed to identify the event is absent.
    case missingField(String)

    public var description: String {
        switch self {
        case .notAnObject: "the alert is not a JSON object"
        case .missingField(let field): "the alert has no \(field) field, so it cannot be identified"
        }
    }
}
