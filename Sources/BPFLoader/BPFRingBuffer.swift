import CLibBPF

#if canImport(Glibc)
    import Glibc
#endif

/// A reader of a BPF ring buffer map (libbpf's ring_buffer): a descriptor that polls readable
/// while records wait, and a drain that hands each one over. Used from one thread at a time.
public final class BPFRingBuffer: @unchecked Sendable {
    /// Where libbpf's C callback finds the closure of the drain under way.
    private final class Sink {
        var handle: ((UnsafeRawBufferPointer) -> Void)?
    }

    private let ring: OpaquePointer
    private let sink: Sink
    /// Polls readable (POLLIN) while records wait.
    public let pollFD: Int32

    /// A reader of the ring buffer map `mapFD` (named `name` in errors).
    public init(mapFD: Int32, name: String) throws(BPFError) {
        let sink = Sink()
        let context = Unmanaged.passUnretained(sink).toOpaque()
        let sample: ring_buffer_sample_fn = { context, data, size in
            guard let context, let data else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
            sink.handle?(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        }
        guard let ring = ring_buffer__new(mapFD, sample, context, nil) else {
            throw BPFError(operation: "open ring buffer \(name)", code: errno)
        }
        self.ring = ring
        self.sink = sink
        pollFD = ring_buffer__epoll_fd(ring)
    }

    deinit {
        ring_buffer__free(ring)
    }

    /// Hands every record waiting to `body`, oldest first; returns how many there were.
    @discardableResult
    public func drain(_ body: (UnsafeRawBufferPointer) -> Void) -> Int {
        withoutActuallyEscaping(body) { handle in
            sink.handle = handle
            defer { sink.handle = nil }
            return Int(max(ring_buffer__consume(ring), 0))
        }
    }
}
