import NIOCore

/// An `application/x-www-form-urlencoded` body as a dictionary, for the test receivers of token endpoints.
enum FormBody {
    static func parse(_ body: ByteBuffer) -> [String: String] {
        var form: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if parts.count == 2 { form[parts[0]] = parts[1] }
        }
        return form
    }
}
