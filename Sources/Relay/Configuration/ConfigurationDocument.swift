import Foundation
import RelayModel
import Yams

/// A configuration file as read (`prisma-relay apply -f relay.yaml`, YAML or JSON): its values, and the line each is
/// on by its path (`connectors[0].apiURL`), so that every problem names the file, the line and the field.
public struct ConfigurationDocument: Sendable {
    public var file: String
    public var root: JSONValue
    let lines: [String: Int]

    /// Reads `text`; a file that is not YAML (or JSON) is refused with where the parser stopped.
    public init(text: String, file: String) throws(ConfigurationFileError) {
        self.file = file
        if let (line, column) = YAMLAliases.first(in: text) {
            throw ConfigurationFileError(
                file: file,
                [.init(line: line, field: "file", "uses a YAML alias at column \(column): aliases are not read here, write the value out")])
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationFileError(
                file: file, [.init(line: Self.line(in: error), field: "file", "is not valid YAML or JSON: \(error)")])
        }
        var lines: [String: Int] = [:]
        var problems: [ConfigurationFileError.Problem] = []
        root = node.map { Self.value($0, path: "", lines: &lines, problems: &problems) } ?? .object([:])
        self.lines = lines
        guard problems.isEmpty else { throw ConfigurationFileError(file: file, problems) }
    }

    /// Reads the file at `path`.
    public static func read(path: String) throws -> ConfigurationDocument {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationFileError(
                file: path, [.init(line: nil, field: "file", "cannot be read: check the path and its permissions")])
        }
        return try ConfigurationDocument(text: String(decoding: data, as: UTF8.self), file: path)
    }

    /// The line of the value at `path`, or of the nearest enclosing one.
    public func line(_ path: String) -> Int? {
        var path = path
        while true {
            if let line = lines[path] { return line }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return lines[""] }
            path = String(path[..<cut])
        }
    }

    /// A problem at `path`, with its line.
    func problem(_ path: String, _ message: String) -> ConfigurationFileError.Problem {
        .init(line: line(path), field: path, message)
    }

    static func value(
        _ node: Node, path: String, lines: inout [String: Int], problems: inout [ConfigurationFileError.Problem]
    ) -> JSONValue {
        if let mark = node.mark { lines[path] = mark.line }
        switch node {
        case .scalar(let scalar):
            // A quoted scalar is a string whatever it looks like; a plain one is what YAML resolves it to.
            guard scalar.style == .plain || scalar.style == .any else { return .string(scalar.string) }
            if node.null != nil { return .null }
            if let flag = node.bool { return .bool(flag) }
            if node.int != nil || node.float != nil { return .number(scalar.string) }
            return .string(scalar.string)
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard let name = key.string else {
                    problems.append(.init(line: key.mark?.line, field: path, "keys must be names"))
                    continue
                }
                let child = path.isEmpty ? name : "\(path).\(name)"
                if object[name] != nil {
                    problems.append(.init(line: key.mark?.line, field: child, "is given twice: keep one"))
                    continue
                }
                object[name] = Self.value(value, path: child, lines: &lines, problems: &problems)
            }
            return .object(object)
        case .sequence(let sequence):
            return .array(
                sequence.enumerated().map { index, item in
                    Self.value(item, path: "\(path)[\(index)]", lines: &lines, problems: &problems)
                })
        case .alias:
            // Refused before composing (`YAMLAliases`); a serializer's node, never a parser's.
            return .null
        }
    }

    /// The line a parser error names, when it names one.
    static func line(in error: any Error) -> Int? {
        guard case YamlError.parser(_, _, let mark, _)? = error as? YamlError else { return nil }
        return mark.line
    }
}

/// What is wrong with a configuration file: each problem with its line and field, in plain words.
public struct ConfigurationFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Problem: Sendable, Equatable {
        public var line: Int?
        public var field: String
        public var message: String
        public init(line: Int?, field: String, _ message: String) {
            self.line = line
            self.field = field
            self.message = message
        }
    }

    public var file: String
    public var problems: [Problem]

    public init(file: String, _ problems: [Problem]) {
        self.file = file
        self.problems = problems
    }

    /// One line per problem: `relay.yaml:12: connectors[0].intervalSeconds: must be …`.
    public var description: String {
        problems.map { "\(file)\($0.line.map { ":\($0)" } ?? ""): \($0.field): \($0.message)" }.joined(separator: "\n")
    }
}
