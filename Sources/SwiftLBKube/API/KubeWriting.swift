/// The writes swiftlb-kube makes to the API server, so a controller can be tested with a fake
/// for ``KubeClient``.
public protocol KubeWriting: Sendable {
    /// Replaces the Service's `status.loadBalancer.ingress` (an empty list clears it).
    func patchServiceStatus(_ key: ObjectKey, ingress: [LoadBalancerIngress]) async throws(KubeError)

    /// Posts an Event about `object`.
    func recordEvent(
        on object: ObjectReference, type: KubeEventType, reason: String, message: String
    ) async throws(KubeError)
}
