import Foundation
import SwiftLBKube
import Testing

@Suite struct ObjectDecodingTests {
    private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    @Test func serviceWithNodePortsAndStatus() throws {
        let service = try decode(Service.self, KubeFixtures.service)
        #expect(service.key == ObjectKey(namespace: "shop", name: "web"))
        #expect(service.key.description == "shop/web")
        #expect(service.metadata.resourceVersion == "48213")
        #expect(service.metadata.annotations?["loxilb.io/lbmode"] == "fullnat")
        #expect(service.spec.type == .loadBalancer)
        #expect(service.spec.loadBalancerClass == "loxilb.io/loxilb")
        #expect(service.spec.externalTrafficPolicy == "Local")
        #expect(service.spec.ipFamilies == ["IPv4"])
        #expect(service.spec.clusterIP == "10.96.120.7")
        #expect(
            service.spec.ports == [
                ServicePort(name: "http", protocol: .tcp, port: 80, targetPort: .int(8080), nodePort: 30080),
                ServicePort(name: "dns", protocol: .udp, port: 53, targetPort: .string("dns"), nodePort: 30053),
                ServicePort(name: "plain", protocol: .tcp, port: 9000),
            ])
        #expect(service.status?.loadBalancer?.ingress == [LoadBalancerIngress(ip: "192.0.2.10", ipMode: "VIP")])
    }

    @Test func serviceRoundTripsThroughJSON() throws {
        let service = try decode(Service.self, KubeFixtures.service)
        let again = try decode(Service.self, String(decoding: try JSONEncoder().encode(service), as: UTF8.self))
        #expect(again == service)
    }

    @Test func endpointSliceWithConditions() throws {
        let slice = try decode(EndpointSlice.self, KubeFixtures.endpointSlice)
        #expect(slice.addressType == .ipv4)
        #expect(slice.serviceKey == ObjectKey(namespace: "shop", name: "web"))
        #expect(slice.metadata.generateName == "web-")
        #expect(slice.metadata.generation == 5)
        #expect(slice.endpoints.count == 2)
        #expect(slice.endpoints[0].addresses == ["10.244.1.12"])
        #expect(slice.endpoints[0].nodeName == "worker-1")
        #expect(slice.endpoints[0].conditions == EndpointConditions(ready: true, serving: true, terminating: false))
        #expect(slice.endpoints[1].conditions == EndpointConditions(ready: false, serving: true, terminating: true))
        #expect(
            slice.ports == [
                EndpointPort(name: "http", port: 8080, protocol: .tcp),
                EndpointPort(name: "dns", port: 5353, protocol: .udp),
            ])
    }

    @Test func endpointSliceWithNullEndpoints() throws {
        let json = """
            {"addressType":"IPv6","endpoints":null,"metadata":{"name":"e","namespace":"n"}}
            """
        let slice = try decode(EndpointSlice.self, json)
        #expect(slice.addressType == .ipv6)
        #expect(slice.endpoints.isEmpty)
        #expect(slice.ports == nil)
        #expect(slice.serviceKey == nil)
    }

    @Test func nodeWithAddressesAndConditions() throws {
        let node = try decode(Node.self, KubeFixtures.node)
        #expect(node.key == ObjectKey(namespace: "", name: "worker-1"))
        #expect(node.key.description == "worker-1")
        #expect(node.metadata.labels?["node-role.kubernetes.io/lb"] == "")
        #expect(node.spec?.unschedulable == true)
        #expect(node.isReady)
        #expect(node.addresses(ofType: .internalIP) == ["172.18.0.3"])
        #expect(node.addresses(ofType: .externalIP) == ["203.0.113.3"])
        #expect(node.addresses(ofType: .hostname) == ["worker-1"])
        #expect(node.status?.addresses?.last?.type == NodeAddressType(rawValue: "InternalDNS"))
    }

    @Test func nodeNotReadyWhenConditionFalseOrMissing() {
        var node = Node(metadata: ObjectMeta(name: "n"))
        #expect(!node.isReady)
        node.status = NodeStatus(conditions: [NodeCondition(type: "Ready", status: "Unknown")])
        #expect(!node.isReady)
    }

    @Test func watchBookmarkCarriesOnlyTheVersion() throws {
        let event = try decode(WatchEvent<Service>.self, KubeFixtures.bookmark)
        #expect(event == .bookmark(resourceVersion: "48999"))
    }

    @Test func watchErrorCarriesTheStatus() throws {
        let event = try decode(WatchEvent<Service>.self, KubeFixtures.expired)
        #expect(
            event == .error(KubeStatus(code: 410, reason: "Expired", message: "too old resource version: 100 (48000)")))
    }

    @Test func watchEventsRoundTrip() throws {
        let service = try decode(Service.self, KubeFixtures.service)
        let events: [WatchEvent<Service>] = [
            .added(service), .modified(service), .deleted(service), .bookmark(resourceVersion: "7"),
            .error(KubeStatus(code: 410, reason: "Expired", message: "old")),
        ]
        for event in events {
            let json = String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
            #expect(try decode(WatchEvent<Service>.self, json) == event)
        }
    }

    @Test func unknownWatchEventTypeIsAnError() {
        #expect(throws: DecodingError.self) {
            try decode(WatchEvent<Service>.self, #"{"type":"SOMETHING","object":{}}"#)
        }
    }

    @Test func listWithContinueToken() throws {
        let json = KubeFixtures.list(
            "ServiceList", resourceVersion: "77", items: [KubeFixtures.service], continue: "abc")
        let list = try decode(KubeList<Service>.self, json)
        #expect(list.metadata == ListMeta(resourceVersion: "77", continue: "abc"))
        #expect(list.items.map(\.key) == [ObjectKey(namespace: "shop", name: "web")])
        #expect(try decode(KubeList<Node>.self, #"{"metadata":{},"items":null}"#).items.isEmpty)
    }

    @Test func eventIsShapedForPosting() throws {
        let service = try decode(Service.self, KubeFixtures.service)
        let date = Date(timeIntervalSince1970: 1_796_000_000)
        let event = KubeEvent(
            on: ObjectReference(service), type: .warning, reason: "UnsupportedAnnotation", message: "m", date: date)
        let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(event)) as? [String: Any]
        let metadata = object?["metadata"] as? [String: Any]
        #expect(metadata?["generateName"] as? String == "web.")
        #expect(metadata?["namespace"] as? String == "shop")
        #expect(metadata?["name"] == nil)
        let involved = object?["involvedObject"] as? [String: Any]
        #expect(involved?["kind"] as? String == "Service")
        #expect(involved?["uid"] as? String == "6f1c3a52-8f0e-4c4e-9d0b-2a7d1c5e9b11")
        #expect(involved?["apiVersion"] as? String == "v1")
        #expect(object?["type"] as? String == "Warning")
        #expect((object?["source"] as? [String: Any])?["component"] as? String == "swiftlb-kube")
        #expect(object?["reportingComponent"] as? String == "swiftlb-kube")
        #expect(object?["firstTimestamp"] as? String == "2026-11-30T00:53:20Z")
        #expect(object?["lastTimestamp"] as? String == "2026-11-30T00:53:20Z")
        #expect(object?["count"] as? Int == 1)
    }

    @Test func eventOnClusterScopedObjectGoesToDefault() {
        let node = Node(metadata: ObjectMeta(name: "worker-1"))
        let event = KubeEvent(on: ObjectReference(node), type: .normal, reason: "R", message: "m")
        #expect(event.metadata.namespace == "default")
        #expect(event.involvedObject.namespace == nil)
    }

    @Test func resourcePaths() {
        #expect(Service.collectionPath() == "/api/v1/services")
        #expect(Service.collectionPath(namespace: "shop") == "/api/v1/namespaces/shop/services")
        #expect(EndpointSlice.collectionPath() == "/apis/discovery.k8s.io/v1/endpointslices")
        #expect(Node.collectionPath(namespace: "ignored") == "/api/v1/nodes")
        #expect(Node.objectPath(ObjectKey(namespace: "", name: "w")) == "/api/v1/nodes/w")
        #expect(Service.objectPath(ObjectKey(namespace: "a", name: "b")) == "/api/v1/namespaces/a/services/b")
    }
}
