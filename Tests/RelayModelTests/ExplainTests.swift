import RelayModel
import Testing

/// Golden tests of the one mapping from failures and status codes to sentences: cause and fix first, detail after.
@Suite("Errors in plain words")
struct ExplainTests {
    static let url = "http://127.0.0.1:35523/api?token=abc"

    @Test(
        "each transport failure names the host and port, says what happened and what to check, and keeps the detail after it",
        arguments: [
            (
                TransportFailure.refused,
                "Nothing is listening at 127.0.0.1:35523 (connection refused): check the API URL and that the host is reachable from this machine. Detail: could not reach http://127.0.0.1:35523/api?token=********: connection refused"
            ),
            (
                .timedOut,
                "127.0.0.1:35523 did not accept a connection in time (timed out): check the API URL, and that no firewall or proxy drops traffic to it from this machine. Detail: could not reach http://127.0.0.1:35523/api?token=********: the connection timed out"
            ),
            (
                .noAnswer,
                "127.0.0.1:35523 accepted the connection but did not answer in time: the service may be overloaded; the relay tries again. Detail: could not reach http://127.0.0.1:35523/api?token=********: no answer in time"
            ),
            (
                .dns,
                "The host name 127.0.0.1 could not be resolved (DNS): check the API URL for spelling, and this machine's DNS settings. Detail: could not reach http://127.0.0.1:35523/api?token=********: the host name could not be resolved"
            ),
            (
                .untrustedCertificate("CERTIFICATE_VERIFY_FAILED"),
                "127.0.0.1:35523 presented a certificate the relay does not trust (TLS): if a TLS-inspecting proxy or a private CA signs it, give that CA — PRISMA_RELAY_CA_FILE for every request, or caCertificates on this connector or integration; otherwise check the API URL. Detail: could not reach http://127.0.0.1:35523/api?token=********: the server's certificate is not trusted (CERTIFICATE_VERIFY_FAILED)"
            ),
            (
                .proxy(.authenticationRequired, proxy: "http://proxy.corp:3128"),
                "The proxy http://proxy.corp:3128 requires authentication (HTTP 407): give the proxy's user and password (proxyUsername and proxyPassword, or http://user:password@host:port in HTTPS_PROXY), or check the ones given. Detail: could not reach http://127.0.0.1:35523/api?token=********: through the proxy http://proxy.corp:3128: the proxy requires authentication (HTTP 407)"
            ),
            (
                .proxy(.refused, proxy: "http://proxy.corp:3128"),
                "The proxy http://proxy.corp:3128 refused to connect to 127.0.0.1:35523: its rules do not allow this destination or port, or it could not reach it; check the URL, ask for the destination to be allowed, or list the host in NO_PROXY if it is reachable directly. Detail: could not reach http://127.0.0.1:35523/api?token=********: through the proxy http://proxy.corp:3128: the proxy refused to open a tunnel to the destination"
            ),
            (
                .proxy(.unreachable("connection refused"), proxy: "http://proxy.corp:3128"),
                "The proxy http://proxy.corp:3128 could not be reached: check the proxy setting (or HTTPS_PROXY / HTTP_PROXY) and that the proxy runs; a host the proxy must not handle goes in NO_PROXY. Detail: could not reach http://127.0.0.1:35523/api?token=********: through the proxy http://proxy.corp:3128: the proxy could not be reached (connection refused)"
            ),
            (
                .tls("handshake failed: certificate verify failed"),
                "The secure connection to 127.0.0.1:35523 failed (TLS): check the API URL — https on the right port — and that the server's certificate is valid for 127.0.0.1 and trusted by this machine. Detail: could not reach http://127.0.0.1:35523/api?token=********: handshake failed: certificate verify failed"
            ),
            (
                .reset,
                "127.0.0.1:35523 cut the connection (connection reset): check the API URL and that its port serves HTTP(S); a proxy or firewall may be cutting it. Detail: could not reach http://127.0.0.1:35523/api?token=********: the connection was reset"
            ),
            (
                .closed,
                "127.0.0.1:35523 closed the connection without answering: check the API URL and that its port serves HTTP(S). Detail: could not reach http://127.0.0.1:35523/api?token=********: the server closed the connection"
            ),
            (
                .noRoute,
                "There is no network route from this machine to 127.0.0.1:35523: check the API URL, and this machine's network and firewall. Detail: could not reach http://127.0.0.1:35523/api?token=********: no route to the host"
            ),
        ])
    func transport(failure: TransportFailure, expected: String) {
        #expect(Explain.transport(failure, url: Self.url, check: "check the API URL").description == expected)
    }

    @Test("a URL without a port is shown with its scheme's")
    func defaultPorts() {
        #expect(
            Explain.transport(.refused, url: "https://api.prismacloud.io", check: "check").sentence.hasPrefix(
                "Nothing is listening at api.prismacloud.io:443 "))
        #expect(
            Explain.transport(.refused, url: "http://relay.internal/x", check: "check").sentence.hasPrefix(
                "Nothing is listening at relay.internal:80 "))
    }

    @Test(
        "each class of Prisma Cloud status says what it means for the connector",
        arguments: [
            (
                401, true,
                "Prisma Cloud refused the access key (HTTP 401): check the key ID and secret, that the key has not expired or been disabled, and that the API URL is your tenant's region (System → API Endpoints in the console). Detail: POST https://api.prismacloud.io/login answered HTTP 401 (invalid_credentials)"
            ),
            (
                401, false,
                "Prisma Cloud refused the relay's session (HTTP 401): the access key may have been revoked; create a new key and update the connector. Detail: POST https://api.prismacloud.io/login answered HTTP 401 (invalid_credentials)"
            ),
            (
                403, false,
                "Prisma Cloud refused the request (HTTP 403): the role attached to the access key lacks Alerts: View (or the permission this call needs); give the role that permission under Settings → Access Control → Roles. Detail: POST https://api.prismacloud.io/login answered HTTP 403 (invalid_credentials)"
            ),
            (
                404, false,
                "Prisma Cloud has no such endpoint at this URL (HTTP 404): check that the API URL is the API's (https://api….prismacloud.io), not the console's. Detail: POST https://api.prismacloud.io/login answered HTTP 404 (invalid_credentials)"
            ),
            (
                429, false,
                "Prisma Cloud is limiting this access key's request rate (HTTP 429): the relay waits as Prisma asks and tries again; nothing is lost. Detail: POST https://api.prismacloud.io/login answered HTTP 429 (invalid_credentials)"
            ),
            (
                503, false,
                "Prisma Cloud is having trouble (HTTP 503): the relay tries again, and the next poll covers the same window; nothing is lost. Detail: POST https://api.prismacloud.io/login answered HTTP 503 (invalid_credentials)"
            ),
            (
                400, false,
                "Prisma Cloud refused the request (HTTP 400): retrying the same request will not help; check the connector's settings. Detail: POST https://api.prismacloud.io/login answered HTTP 400 (invalid_credentials)"
            ),
        ])
    func prisma(status: Int, login: Bool, expected: String) {
        let sentence = Explain.prisma(
            status: status, request: "POST https://api.prismacloud.io/login", reason: "invalid_credentials", login: login)
        #expect(sentence.description == expected)
    }

    @Test(
        "each class of destination status says what happens to the events, with the destination's own answer as the detail",
        arguments: [
            (
                302,
                "Splunk HEC answered with a redirect (HTTP 302 to https://elsewhere.example.com/x?k=********), which the relay does not follow: set the integration's URL to the address it points to; deliveries wait until then. Detail: HTTP 302: Invalid token"
            ),
            (
                401,
                "Splunk HEC refused the relay's credentials (HTTP 401): check the token or key in the integration's settings and that it is still valid; deliveries wait until it changes or a Test passes. Detail: HTTP 401: Invalid token"
            ),
            (
                404,
                "Splunk HEC has nothing at the integration's URL (HTTP 404): check the URL, path included; deliveries wait until it changes or a Test passes. Detail: HTTP 404: Invalid token"
            ),
            (
                413,
                "Splunk HEC refused the request as too large (HTTP 413): lower the integration's batch size or raise the destination's limit; the event is kept as a dead letter. Detail: HTTP 413: Invalid token"
            ),
            (
                429,
                "Splunk HEC asked the relay to slow down or try later (HTTP 429): the relay waits and sends again; nothing is lost. Detail: HTTP 429: Invalid token"
            ),
            (
                503,
                "Splunk HEC is having trouble (HTTP 503): the relay keeps the events and sends them again until it recovers; nothing is lost. Detail: HTTP 503: Invalid token"
            ),
            (
                400,
                "Splunk HEC refused the event (HTTP 400): sending it again as it is will not help; it is kept as a dead letter to retry or discard from the integration's page. Detail: HTTP 400: Invalid token"
            ),
        ])
    func destination(status: Int, expected: String) {
        let sentence = Explain.destination(
            "Splunk HEC", status: status, answer: "Invalid token", location: "https://elsewhere.example.com/x?k=v")
        #expect(sentence.description == expected)
    }

    @Test(
        "while a Test runs, an answer says what it means for the test event, never that it is kept as a dead letter or sent again",
        arguments: [
            (404, "Splunk HEC has nothing at the integration's URL (HTTP 404): check the URL, path included. Detail: HTTP 404"),
            (
                413,
                "Splunk HEC refused the test event as too large (HTTP 413), small as it is: check that the URL is the destination's. Detail: HTTP 413"
            ),
            (
                429,
                "Splunk HEC asked the relay to slow down or try later (HTTP 429): run the Test again in a moment; deliveries wait and are sent again. Detail: HTTP 429"
            ),
            (
                503,
                "Splunk HEC is having trouble (HTTP 503): run the Test again once it recovers; deliveries are kept and sent again until then. Detail: HTTP 503"
            ),
            (
                400,
                "Splunk HEC refused the test event (HTTP 400): check the integration's settings against what it expects; events it refuses so are kept as dead letters. Detail: HTTP 400"
            ),
            (
                401,
                "Splunk HEC refused the relay's credentials (HTTP 401): check the token or key in the integration's settings and that it is still valid; deliveries wait until it changes or a Test passes. Detail: HTTP 401"
            ),
        ])
    func destinationWhileTesting(status: Int, expected: String) async {
        let sentence = await RemoteDetail.whileTesting { Explain.destination("Splunk HEC", status: status, answer: "") }
        #expect(sentence.description == expected)
    }

    @Test("a message splits back into its sentence and its detail; a message without detail is all sentence")
    func splitting() {
        let message = Explain.transport(.refused, url: Self.url, check: "check the API URL").description
        let (sentence, detail) = ErrorSentence.split(message)
        #expect(sentence.hasPrefix("Nothing is listening") && sentence.hasSuffix("from this machine."))
        #expect(detail?.hasPrefix("could not reach") == true)
        #expect(ErrorSentence.split("plain words") == ("plain words", nil))
    }
}
