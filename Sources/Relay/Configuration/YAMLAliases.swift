import CYaml

/// Where a YAML text uses an alias (`*name`), read from the parser's events before anything is built from them. Yams
/// hands an alias over as the very value its anchor names, so a few lines of aliases of aliases (a "billion laughs"
/// file) become hundreds of millions of values once read, or hashed as a key: a file that uses one is refused instead.
enum YAMLAliases {
    /// The line and column of the first alias in `text`, or nil when it has none (or the parser stops first: then
    /// composing it says why).
    static func first(in text: String) -> (line: Int, column: Int)? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_ALIAS_EVENT: return (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1)
                case YAML_STREAM_END_EVENT: return nil
                default: continue
                }
            }
            return nil
        }
    }
}
