import Foundation
import NIOCore
import RelayHTTP
import RelayModel

/// Finds AWS credentials the way AWS's own SDKs do — keys given in the integration's config, then the environment
/// (`AWS_ACCESS_KEY_ID`…), a web identity token file (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`, as on EKS),
/// the shared credentials file and profile, and the EC2 instance metadata service (IMDSv2) — then assumes the
/// integration's role with its `ExternalId` when it names one. Temporary credentials are cached until five minutes
/// before they expire.
public struct AWSCredentialChain: Sendable {
    public let environment: AWSEnvironment
    let cache: AWSCredentialCache

    public init(environment: AWSEnvironment, cache: AWSCredentialCache = AWSCredentialCache()) {
        self.environment = environment
        self.cache = cache
    }

    /// What an integration asks for.
    public struct Request: Sendable, Hashable {
        /// Keys from the config (`accessKey`/`secretKey`), used before any other source.
        public var accessKey: String?
        public var secretKey: String?
        public var roleArn: String?
        public var externalID: String?
        public var region: String

        public init(accessKey: String? = nil, secretKey: String? = nil, roleArn: String? = nil, externalID: String? = nil, region: String) {
            self.accessKey = accessKey
            self.secretKey = secretKey
            self.roleArn = roleArn
            self.externalID = externalID
            self.region = region
        }
    }

    /// Credentials for `request`, from the cache while they are fresh.
    public func credentials(for request: Request) async throws(CredentialError) -> AWSCredentials {
        let now = environment.clock()
        if let accessKey = request.accessKey, let secretKey = request.secretKey {
            return AWSCredentials(accessKeyID: accessKey, secretAccessKey: secretKey, origin: "the integration's accessKey")
        }
        let base = try await cache.get(key: "base", now: now) { () async throws(CredentialError) in
            try await self.base(region: request.region)
        }
        guard let roleArn = request.roleArn else { return base }
        guard let externalID = request.externalID, !externalID.isEmpty else {
            throw CredentialError("roleArn \(roleArn) is given without an externalId: add the role's external ID")
        }
        return try await cache.get(key: "role \(roleArn) \(externalID) \(request.region)", now: now) { () async throws(CredentialError) in
            try await STS(environment: environment, region: request.region)
                .assumeRole(roleArn: roleArn, externalID: externalID, sessionName: "prisma-relay", with: base)
        }
    }

    /// Forgets cached credentials (after AWS said they expired).
    public func forget() async { await cache.clear() }

    /// The relay's own identity: environment, web identity, shared file, instance metadata — the first that has one.
    func base(region: String) async throws(CredentialError) -> AWSCredentials {
        let variables = environment.variables
        if let key = variables["AWS_ACCESS_KEY_ID"], let secret = variables["AWS_SECRET_ACCESS_KEY"], !key.isEmpty, !secret.isEmpty {
            return AWSCredentials(
                accessKeyID: key, secretAccessKey: secret, sessionToken: variables["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 },
                origin: "environment")
        }
        if let tokenFile = variables["AWS_WEB_IDENTITY_TOKEN_FILE"], let roleArn = variables["AWS_ROLE_ARN"] {
            guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw CredentialError("AWS_WEB_IDENTITY_TOKEN_FILE names \(tokenFile), which cannot be read")
            }
            return try await STS(environment: environment, region: region).assumeRoleWithWebIdentity(
                roleArn: roleArn, token: token.trimmingCharacters(in: .whitespacesAndNewlines),
                sessionName: variables["AWS_ROLE_SESSION_NAME"] ?? "prisma-relay")
        }
        let profile = variables["AWS_PROFILE"] ?? variables["AWS_DEFAULT_PROFILE"] ?? "default"
        let file =
            variables["AWS_SHARED_CREDENTIALS_FILE"]
            ?? (variables["HOME"].map { $0 + "/.aws/credentials" } ?? NSHomeDirectory() + "/.aws/credentials")
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            if let found = Self.profile(profile, in: text) { return found }
            if variables["AWS_PROFILE"] != nil {
                throw CredentialError(
                    "AWS_PROFILE is \(profile), but \(file) has no [\(profile)] with aws_access_key_id and aws_secret_access_key")
            }
        }
        if variables["AWS_EC2_METADATA_DISABLED"]?.lowercased() != "true" {
            do {
                return try await instanceMetadata()
            } catch {
                throw CredentialError(
                    "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a shared "
                        + "credentials file, or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, or run with an instance role "
                        + "(the instance metadata service: \(error))")
            }
        }
        throw CredentialError(
            "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a shared credentials "
                + "file, or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN (the instance metadata service is disabled)")
    }

    /// A profile of a shared credentials file (INI).
    static func profile(_ name: String, in text: String) -> AWSCredentials? {
        var section: String?
        var values: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let line = line.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard section == name, let equals = line.firstIndex(of: "=") else { continue }
            values[line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()] = line[line.index(after: equals)...]
                .trimmingCharacters(in: .whitespaces)
        }
        guard let key = values["aws_access_key_id"], let secret = values["aws_secret_access_key"] else { return nil }
        return AWSCredentials(
            accessKeyID: key, secretAccessKey: secret, sessionToken: values["aws_session_token"], origin: "profile \(name)")
    }

    /// The instance role's credentials through IMDSv2: a session token, the role's name, then its credentials.
    func instanceMetadata() async throws(CredentialError) -> AWSCredentials {
        var base = environment.variables["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? "http://169.254.169.254"
        while base.hasSuffix("/") { base.removeLast() }
        // The metadata service is link-local, which the outbound policy refuses for destinations; the relay's own
        // identity is fetched from it on purpose.
        var http = environment.http.trusting(hostOf: base)
        // AWS_METADATA_SERVICE_TIMEOUT (seconds), as AWS's SDKs read it.
        let seconds = environment.variables["AWS_METADATA_SERVICE_TIMEOUT"].flatMap(Double.init) ?? 2
        http.timeout = .milliseconds(Int64(max(0.1, seconds) * 1000))
        func fetch(_ method: String, _ path: String, _ headers: [(String, String)]) async throws(CredentialError) -> [UInt8] {
            switch await http.send(DestinationRequest(method: method, url: base + path, headers: headers, body: [])) {
            case .success(let answer) where answer.status == 200: return answer.body
            case .success(let answer):
                throw CredentialError("\(method) \(path) answered HTTP \(answer.status)", temporary: answer.status >= 500)
            case .failure(let failure): throw CredentialError("\(failure)", temporary: true)
            }
        }
        let token = String(
            decoding: try await fetch("PUT", "/latest/api/token", [("X-aws-ec2-metadata-token-ttl-seconds", "21600")]), as: UTF8.self)
        let auth = [("X-aws-ec2-metadata-token", token)]
        let roles = String(decoding: try await fetch("GET", "/latest/meta-data/iam/security-credentials/", auth), as: UTF8.self)
        guard let role = roles.split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty else {
            throw CredentialError("the instance has no IAM role")
        }
        let body = try await fetch("GET", "/latest/meta-data/iam/security-credentials/\(role)", auth)
        guard let json = try? JSONValue.parse(body), let key = json["AccessKeyId"]?.stringValue,
            let secret = json["SecretAccessKey"]?.stringValue
        else { throw CredentialError("the instance metadata service answered without credentials for \(role)", temporary: true) }
        return AWSCredentials(
            accessKeyID: key, secretAccessKey: secret, sessionToken: json["Token"]?.stringValue,
            expiration: json["Expiration"]?.stringValue.flatMap { Timestamp.epochMilliseconds(rfc3339: $0) },
            origin: "instance role \(role)")
    }
}

/// Credentials by key, kept until five minutes before they expire; one fetch at a time per key.
public actor AWSCredentialCache {
    var entries: [String: AWSCredentials] = [:]
    var inFlight: [String: Task<AWSCredentials, any Error>] = [:]

    public init() {}

    func get(
        key: String, now: Int64, fetch: @escaping @Sendable () async throws(CredentialError) -> AWSCredentials
    ) async throws(CredentialError) -> AWSCredentials {
        if let cached = entries[key], !cached.needsRefresh(at: now) { return cached }
        let task = inFlight[key] ?? Task { try await fetch() }
        inFlight[key] = task
        do {
            let fresh = try await task.value
            inFlight[key] = nil
            entries[key] = fresh
            return fresh
        } catch {
            inFlight[key] = nil
            throw (error as? CredentialError) ?? CredentialError("\(error)", temporary: true)
        }
    }

    func clear() {
        entries = [:]
    }
}
