import ServiceLifecycle

/// Runs `body` every `interval` seconds until the service group shuts down gracefully.
func repeatUntilShutdown(every interval: Int, _ body: @escaping @Sendable () async -> Void) async {
    try? await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(interval))
            await body()
        }
    }
}
