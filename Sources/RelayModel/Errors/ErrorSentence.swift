import Foundation

/// An error as every surface shows it (console, API, CLI, status): first a sentence with the cause and the fix, in
/// plain words, then the technical detail — never the detail instead of the sentence.
public struct ErrorSentence: Error, Sendable, Equatable, CustomStringConvertible {
    /// What happened and what to do.
    public var sentence: String
    /// The request, the status, the far end's own answer or the library's words.
    public var detail: String?

    public init(_ sentence: String, detail: String? = nil) {
        self.sentence = sentence
        self.detail = detail.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The text that separates the sentence from the detail in one line.
    public static let detailMarker = " Detail: "

    /// `<sentence>. Detail: <detail>` — one line, for logs, the CLI and the API.
    public var description: String {
        let sentence = sentence.hasSuffix(".") ? sentence : sentence + "."
        return detail.map { sentence + Self.detailMarker + $0 } ?? sentence
    }

    /// A message as `description` wrote it, split again for a page that shows the detail folded away.
    public static func split(_ message: String) -> (sentence: String, detail: String?) {
        guard let marker = message.range(of: detailMarker) else { return (message, nil) }
        return (String(message[..<marker.lowerBound]), String(message[marker.upperBound...]))
    }
}
