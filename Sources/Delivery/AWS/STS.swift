import Foundation
import RelayHTTP
import RelayModel

/// The two STS calls the relay makes: `AssumeRole` (signed with the base credentials, `ExternalId` always sent)
/// and `AssumeRoleWithWebIdentity` (EKS service accounts: the token file is the proof, no signature).
struct STS {
    let environment: AWSEnvironment
    let region: String

    /// Temporary credentials of `roleArn`, for an hour.
    func assumeRole(roleArn: String, externalID: String, sessionName: String, with base: AWSCredentials) async throws(CredentialError)
        -> AWSCredentials
    {
        let form = FormData.encode([
            ("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", roleArn), ("RoleSessionName", sessionName),
            ("ExternalId", externalID), ("DurationSeconds", "3600"),
        ])
        let request = DestinationRequest(
            url: environment.stsEndpoint(region: region) + "/",
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: Array(form.utf8))
        let signed = SigV4(credentials: base, region: region, service: "sts").signed(request, at: environment.clock())
        return try await credentials(
            from: signed, origin: "AssumeRole \(roleArn)", call: "AssumeRole of \(roleArn) with \(base.origin) credentials")
    }

    /// Temporary credentials of `roleArn` in exchange for a web identity token.
    func assumeRoleWithWebIdentity(roleArn: String, token: String, sessionName: String) async throws(CredentialError) -> AWSCredentials {
        let form = FormData.encode([
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleArn),
            ("RoleSessionName", sessionName), ("WebIdentityToken", token), ("DurationSeconds", "3600"),
        ])
        let request = DestinationRequest(
            url: environment.stsEndpoint(region: region) + "/",
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: Array(form.utf8))
        return try await credentials(from: request, origin: "web identity \(roleArn)", call: "AssumeRoleWithWebIdentity of \(roleArn)")
    }

    func credentials(from request: DestinationRequest, origin: String, call: String) async throws(CredentialError) -> AWSCredentials {
        let response: DestinationResponse
        switch await environment.http.send(request) {
        case .success(let answer): response = answer
        case .failure(let failure): throw CredentialError("\(call) failed: \(failure)", temporary: true)
        }
        if let error = AWSError(response) {
            let temporary = error.status >= 500 || error.status == 429 || AWSError.temporaryCodes.contains(error.code)
            let hint =
                error.code == "AccessDenied"
                ? " (check the role's trust policy: it must trust the relay's identity with this externalId)" : ""
            throw CredentialError("\(call) was refused (HTTP \(error.status)) \(error.code): \(error.message)\(hint)", temporary: temporary)
        }
        guard let key = AWSXML.first("AccessKeyId", in: response.body), let secret = AWSXML.first("SecretAccessKey", in: response.body)
        else {
            throw CredentialError("\(call) answered without credentials", temporary: true)
        }
        let expiration = AWSXML.first("Expiration", in: response.body).flatMap { Timestamp.epochMilliseconds(rfc3339: $0) }
        return AWSCredentials(
            accessKeyID: key, secretAccessKey: secret, sessionToken: AWSXML.first("SessionToken", in: response.body),
            expiration: expiration, origin: origin)
    }
}
