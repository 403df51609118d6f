/// Listing and watching one kind: what a ``Reflector`` needs from the API server, so tests can
/// substitute a fake for ``KubeClient``.
public protocol KubeListWatching: Sendable {
    /// Every object of the kind (all pages), and the version to watch from.
    func list<T: KubeResource>(_ type: T.Type, namespace: String?, labelSelector: String?) async throws(KubeError)
        -> KubeList<T>

    /// The changes after `resourceVersion`, ending when the server closes the watch; a stale version
    /// ends it with ``KubeError/gone``.
    func watch<T: KubeResource>(
        _ type: T.Type, resourceVersion: String, namespace: String?, labelSelector: String?, timeoutSeconds: Int
    ) -> AsyncThrowingStream<WatchEvent<T>, any Error>
}
