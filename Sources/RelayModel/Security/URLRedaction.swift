import Foundation

/// How a URL is shown anywhere outside the sealed config — API answers, pages, logs, statuses, dead letters and
/// error messages: credentials in it replaced by the mask, the rest left readable.
public enum URLRedaction {
    /// `url` with its user information, every query value, and path parts that carry tokens masked: the token
    /// of a Slack webhook, the ids after a Teams `IncomingWebhook/`, and long random-looking segments.
    public static func redact(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.scheme != nil, components.host != nil else { return url }
        if components.password != nil {
            components.password = Secret.mask
        } else if components.user != nil {
            components.user = Secret.mask
        }
        if let items = components.queryItems, !items.isEmpty {
            components.percentEncodedQuery = items.map { "\($0.name)=\(Secret.mask)" }.joined(separator: "&")
        }
        let host = components.host?.lowercased() ?? ""
        var segments = components.percentEncodedPath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var afterIncomingWebhook = false
        for index in segments.indices {
            let segment = segments[index]
            let slackToken = host == "hooks.slack.com" && index == segments.count - 1 && segments.count > 3
            if slackToken || afterIncomingWebhook || looksLikeToken(segment) { segments[index] = Secret.mask }
            if segment == "IncomingWebhook" { afterIncomingWebhook = true }
        }
        components.percentEncodedPath = segments.joined(separator: "/")
        return components.string ?? url
    }

    /// `text` with every URL in it redacted (`could not reach https://…?token=abc: …`).
    public static func redactURLs(in text: String) -> String {
        guard text.contains("://") else { return text }
        var out = ""
        var rest = text[...]
        while let match = rest.firstMatch(of: /[A-Za-z][A-Za-z0-9+.\-]*:\/\/[^\s"'<>()\[\]{}]+/) {
            out += rest[..<match.range.lowerBound]
            var found = String(match.output)
            // A sentence's punctuation is not part of the URL.
            var trailing = ""
            while let last = found.last, ".,;:!?".contains(last) {
                trailing = String(last) + trailing
                found.removeLast()
            }
            out += redact(found) + trailing
            rest = rest[match.range.upperBound...]
        }
        return out + rest
    }

    /// A segment of 20 or more characters mixing letters and digits: an id or token, not a word of a path.
    static func looksLikeToken(_ segment: String) -> Bool {
        segment.count >= 20 && segment.contains(where: \.isLetter) && segment.contains(where: \.isNumber)
            && segment.allSatisfy { $0.isLetter || $0.isNumber || "-_.~%".contains($0) }
    }
}
