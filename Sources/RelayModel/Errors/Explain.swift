import Foundation

/// The one place where transport failures and the answers of Prisma Cloud and of destinations become sentences with
/// the cause and the fix (`ErrorSentence`). Every surface — console, API, CLI, status — shows these.
public enum Explain {
    /// A request to `url` that got no answer. `check` names what the user can fix for this kind of target, e.g.
    /// "check the API URL" or "check the integration's URL".
    public static func transport(_ failure: TransportFailure, url: String, check: String) -> ErrorSentence {
        let place = hostAndPort(url)
        let detail = "could not reach \(URLRedaction.redact(url)): \(failure.words)"
        switch failure {
        case .refused:
            return ErrorSentence(
                "Nothing is listening at \(place) (connection refused): \(check) and that the host is reachable from this machine",
                detail: detail)
        case .timedOut:
            return ErrorSentence(
                "\(place) did not accept a connection in time (timed out): \(check), and that no firewall or proxy drops traffic to it from this machine",
                detail: detail)
        case .noAnswer:
            return ErrorSentence(
                "\(place) accepted the connection but did not answer in time: the service may be overloaded; the relay tries again",
                detail: detail)
        case .dns:
            return ErrorSentence(
                "The host name \(host(url)) could not be resolved (DNS): \(check) for spelling, and this machine's DNS settings",
                detail: detail)
        case .tls:
            return ErrorSentence(
                "The secure connection to \(place) failed (TLS): \(check) — https on the right port — and that the server's certificate is valid for \(host(url)) and trusted by this machine",
                detail: detail)
        case .untrustedCertificate:
            return ErrorSentence(
                "\(place) presented a certificate the relay does not trust (TLS): if a TLS-inspecting proxy or a private CA signs it, give that CA — PRISMA_RELAY_CA_FILE for every request, or caCertificates on this connector or integration; otherwise \(check)",
                detail: detail)
        case .proxy(.unreachable, let proxy):
            return ErrorSentence(
                "The proxy \(proxy) could not be reached: check the proxy setting (or HTTPS_PROXY / HTTP_PROXY) and that the proxy runs; a host the proxy must not handle goes in NO_PROXY",
                detail: detail)
        case .proxy(.refused, let proxy):
            return ErrorSentence(
                "The proxy \(proxy) refused to connect to \(place): its rules do not allow this destination or port, or it could not reach it; check the URL, ask for the destination to be allowed, or list the host in NO_PROXY if it is reachable directly",
                detail: detail)
        case .proxy(.authenticationRequired, let proxy):
            return ErrorSentence(
                "The proxy \(proxy) requires authentication (HTTP 407): give the proxy's user and password (proxyUsername and proxyPassword, or http://user:password@host:port in HTTPS_PROXY), or check the ones given",
                detail: detail)
        case .proxy(.timedOut, let proxy):
            return ErrorSentence(
                "The proxy \(proxy) did not answer in time when asked to connect to \(place): the proxy may be overloaded or unable to reach it; the relay tries again",
                detail: detail)
        case .reset:
            return ErrorSentence(
                "\(place) cut the connection (connection reset): \(check) and that its port serves HTTP(S); a proxy or firewall may be cutting it",
                detail: detail)
        case .closed:
            return ErrorSentence(
                "\(place) closed the connection without answering: \(check) and that its port serves HTTP(S)",
                detail: detail)
        case .noRoute:
            return ErrorSentence(
                "There is no network route from this machine to \(place): \(check), and this machine's network and firewall",
                detail: detail)
        case .other:
            return ErrorSentence(
                "\(place) could not be reached: \(check) and that the host is reachable from this machine", detail: detail)
        }
    }

    /// What Prisma Cloud's refusal means, by status class. `login` is whether the refused call was the access key's
    /// log-in (or the Compute console's authenticate).
    public static func prisma(status: Int, request: String, reason: String?, login: Bool) -> ErrorSentence {
        let detail = "\(request) answered HTTP \(status)" + (reason.map { " (\($0))" } ?? "")
        switch status {
        case 401 where login, 400 where login:
            return ErrorSentence(
                "Prisma Cloud refused the access key (HTTP \(status)): check the key ID and secret, that the key has not expired or been disabled, and that the API URL is your tenant's region (System → API Endpoints in the console)",
                detail: detail)
        case 401:
            return ErrorSentence(
                "Prisma Cloud refused the relay's session (HTTP 401): the access key may have been revoked; create a new key and update the connector",
                detail: detail)
        case 403:
            return ErrorSentence(
                "Prisma Cloud refused the request (HTTP 403): the role attached to the access key lacks Alerts: View (or the permission this call needs); give the role that permission under Settings → Access Control → Roles",
                detail: detail)
        case 404:
            return ErrorSentence(
                "Prisma Cloud has no such endpoint at this URL (HTTP 404): check that the API URL is the API's (https://api….prismacloud.io), not the console's",
                detail: detail)
        case 429:
            return ErrorSentence(
                "Prisma Cloud is limiting this access key's request rate (HTTP 429): the relay waits as Prisma asks and tries again; nothing is lost",
                detail: detail)
        case 500..<600:
            return ErrorSentence(
                "Prisma Cloud is having trouble (HTTP \(status)): the relay tries again, and the next poll covers the same window; nothing is lost",
                detail: detail)
        default:
            return ErrorSentence(
                "Prisma Cloud refused the request (HTTP \(status)): retrying the same request will not help; check the connector's settings",
                detail: detail)
        }
    }

    /// What a destination's answer means, by status class, with its own words as the detail. While a Test runs
    /// (`RemoteDetail.isTesting`) the sentence says what it means for the test event, which is never kept or sent again.
    public static func destination(_ name: String, status: Int, answer: String, location: String? = nil) -> ErrorSentence {
        let detail = "HTTP \(status)" + (answer.isEmpty ? "" : ": \(answer)")
        if RemoteDetail.isTesting, let sentence = testAnswer(name, status: status) { return ErrorSentence(sentence, detail: detail) }
        switch status {
        case 300..<400:
            let target = location.map { " to \(URLRedaction.redact($0))" } ?? ""
            return ErrorSentence(
                "\(name) answered with a redirect (HTTP \(status)\(target)), which the relay does not follow: set the integration's URL to the address it points to; deliveries wait until then",
                detail: detail)
        case 401, 403:
            return ErrorSentence(
                "\(name) refused the relay's credentials (HTTP \(status)): check the token or key in the integration's settings and that it is still valid; deliveries wait until it changes or a Test passes",
                detail: detail)
        case 404, 410:
            return ErrorSentence(
                "\(name) has nothing at the integration's URL (HTTP \(status)): check the URL, path included; deliveries wait until it changes or a Test passes",
                detail: detail)
        case 413:
            return ErrorSentence(
                "\(name) refused the request as too large (HTTP 413): lower the integration's batch size or raise the destination's limit; the event is kept as a dead letter",
                detail: detail)
        case 408, 425, 429:
            return ErrorSentence(
                "\(name) asked the relay to slow down or try later (HTTP \(status)): the relay waits and sends again; nothing is lost",
                detail: detail)
        case 500..<600:
            return ErrorSentence(
                "\(name) is having trouble (HTTP \(status)): the relay keeps the events and sends them again until it recovers; nothing is lost",
                detail: detail)
        default:
            return ErrorSentence(
                "\(name) refused the event (HTTP \(status)): sending it again as it is will not help; it is kept as a dead letter to retry or discard from the integration's page",
                detail: detail)
        }
    }

    /// What an answer to the test event means, where it differs from what it means for a delivered event.
    static func testAnswer(_ name: String, status: Int) -> String? {
        switch status {
        case 404, 410:
            "\(name) has nothing at the integration's URL (HTTP \(status)): check the URL, path included"
        case 413:
            "\(name) refused the test event as too large (HTTP 413), small as it is: check that the URL is the destination's"
        case 408, 425, 429:
            "\(name) asked the relay to slow down or try later (HTTP \(status)): run the Test again in a moment; deliveries wait and are sent again"
        case 500..<600:
            "\(name) is having trouble (HTTP \(status)): run the Test again once it recovers; deliveries are kept and sent again until then"
        case 300..<400, 401, 403:
            nil
        default:
            "\(name) refused the test event (HTTP \(status)): check the integration's settings against what it expects; events it refuses so are kept as dead letters"
        }
    }

    /// `host:port` of a URL, the port the scheme's default when none is given.
    static func hostAndPort(_ url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return URLRedaction.redact(url) }
        let port = components.port ?? (components.scheme?.lowercased() == "http" ? 80 : 443)
        return (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    }

    static func host(_ url: String) -> String { URLComponents(string: url)?.host ?? URLRedaction.redact(url) }
}
