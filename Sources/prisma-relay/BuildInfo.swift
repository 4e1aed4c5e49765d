/// What `prisma-relay --version` says. `scripts/package` writes the commit of the build it packages into `commit`
/// while it builds; a build from the source tree says it is a development build.
enum BuildInfo {
    static let version = "0.9.0"
    static let commit = "development build"

    static var description: String { "prisma-relay \(version) (\(commit))" }
}
