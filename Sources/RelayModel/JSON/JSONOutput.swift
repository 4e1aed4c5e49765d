/// Bytes being written as JSON text: a buffer of its own, grown by doubling and written through a pointer, so that a
/// byte written costs a store, not an array's checks of uniqueness and capacity (which were most of what writing a
/// short string cost); handed out as an array once, at the end.
struct JSONOutput: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(64, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(toHold: count + 1) }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if capacity - count < bytes.count { grow(toHold: count + bytes.count) }
        (base + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    /// Up to `most` bytes written by `body` straight after what is there, room made once for all of them: `body`
    /// gets where to write and says how many it wrote.
    @inline(__always)
    mutating func write(atMost most: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if capacity - count < most { grow(toHold: count + most) }
        count += body(base + count)
    }

    mutating func append(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { append($0) } }

    mutating func append(_ text: StaticString) { append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)) }

    /// Room for `needed` bytes in all, at least twice what there was.
    private mutating func grow(toHold needed: Int) {
        var grown = capacity * 2
        while grown < needed { grown *= 2 }
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.initialize(from: base, count: count)
        base.deallocate()
        (base, capacity) = (larger, grown)
    }

    /// What was written.
    consuming func bytes() -> [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }
}
