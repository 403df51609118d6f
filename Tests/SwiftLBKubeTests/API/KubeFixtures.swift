/// JSON shaped like real API server output (kubectl get -o json, trimmed), with fields the models
/// do not know, which decoding must ignore.
enum KubeFixtures {
    static let service = """
        {
          "apiVersion": "v1",
          "kind": "Service",
          "metadata": {
            "annotations": {
              "loxilb.io/lbmode": "fullnat",
              "kubectl.kubernetes.io/last-applied-configuration": "{\\"apiVersion\\":\\"v1\\"}"
            },
            "creationTimestamp": "2026-11-30T09:12:44Z",
            "labels": {"app": "web"},
            "managedFields": [{"manager": "kubectl-client-side-apply", "operation": "Update"}],
            "name": "web",
            "namespace": "shop",
            "resourceVersion": "48213",
            "uid": "6f1c3a52-8f0e-4c4e-9d0b-2a7d1c5e9b11"
          },
          "spec": {
            "allocateLoadBalancerNodePorts": true,
            "clusterIP": "10.96.120.7",
            "clusterIPs": ["10.96.120.7"],
            "externalTrafficPolicy": "Local",
            "healthCheckNodePort": 31544,
            "internalTrafficPolicy": "Cluster",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "loadBalancerClass": "loxilb.io/loxilb",
            "ports": [
              {"name": "http", "nodePort": 30080, "port": 80, "protocol": "TCP", "targetPort": 8080},
              {"name": "dns", "nodePort": 30053, "port": 53, "protocol": "UDP", "targetPort": "dns"},
              {"name": "plain", "port": 9000}
            ],
            "selector": {"app": "web"},
            "sessionAffinity": "None",
            "type": "LoadBalancer"
          },
          "status": {
            "loadBalancer": {
              "ingress": [{"ip": "192.0.2.10", "ipMode": "VIP", "ports": [{"port": 80, "protocol": "TCP"}]}]
            }
          }
        }
        """

    static let endpointSlice = """
        {
          "addressType": "IPv4",
          "apiVersion": "discovery.k8s.io/v1",
          "endpoints": [
            {
              "addresses": ["10.244.1.12"],
              "conditions": {"ready": true, "serving": true, "terminating": false},
              "nodeName": "worker-1",
              "targetRef": {"kind": "Pod", "name": "web-5d9c7b7f9-abcde", "namespace": "shop", "uid": "p1"},
              "zone": "a"
            },
            {
              "addresses": ["10.244.2.7"],
              "conditions": {"ready": false, "serving": true, "terminating": true},
              "nodeName": "worker-2"
            }
          ],
          "kind": "EndpointSlice",
          "metadata": {
            "generateName": "web-",
            "generation": 5,
            "labels": {
              "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
              "kubernetes.io/service-name": "web"
            },
            "name": "web-x7k2p",
            "namespace": "shop",
            "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": "web", "uid": "s1"}],
            "resourceVersion": "48230",
            "uid": "0b5e1d6e-1111-4a2b-9c3d-444455556666"
          },
          "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "dns", "port": 5353, "protocol": "UDP"}]
        }
        """

    static let node = """
        {
          "apiVersion": "v1",
          "kind": "Node",
          "metadata": {
            "labels": {"kubernetes.io/hostname": "worker-1", "node-role.kubernetes.io/lb": ""},
            "name": "worker-1",
            "resourceVersion": "50001",
            "uid": "n1"
          },
          "spec": {"podCIDR": "10.244.1.0/24", "unschedulable": true},
          "status": {
            "addresses": [
              {"address": "172.18.0.3", "type": "InternalIP"},
              {"address": "203.0.113.3", "type": "ExternalIP"},
              {"address": "worker-1", "type": "Hostname"},
              {"address": "worker-1.internal", "type": "InternalDNS"}
            ],
            "conditions": [
              {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory"},
              {"type": "Ready", "status": "True", "reason": "KubeletReady", "lastHeartbeatTime": "2026-12-06T10:00:00Z"}
            ],
            "nodeInfo": {"kubeletVersion": "v1.31.2"}
          }
        }
        """

    static let bookmark = """
        {"type":"BOOKMARK","object":{"kind":"Service","apiVersion":"v1","metadata":{"resourceVersion":"48999",\
        "creationTimestamp":null,"annotations":{"k8s.io/initial-events-end":"true"}},"spec":{}}}
        """

    static let expired = """
        {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
        "message":"too old resource version: 100 (48000)","reason":"Expired","code":410}}
        """

    static func list(_ kind: String, resourceVersion: String, items: [String], continue token: String? = nil)
        -> String
    {
        let next = token.map { ",\"continue\":\"\($0)\"" } ?? ""
        return """
            {"kind":"\(kind)","apiVersion":"v1","metadata":{"resourceVersion":"\(resourceVersion)"\(next)},\
            "items":[\(items.joined(separator: ","))]}
            """
    }

    /// A minimal Service as a list item or watch object.
    static func service(_ name: String, namespace: String = "default", resourceVersion: String, port: Int = 80)
        -> String
    {
        """
        {"kind":"Service","apiVersion":"v1","metadata":{"name":"\(name)","namespace":"\(namespace)",\
        "resourceVersion":"\(resourceVersion)"},"spec":{"type":"LoadBalancer","ports":[{"port":\(port)}]}}
        """
    }

    static func event(_ type: String, _ object: String) -> String {
        "{\"type\":\"\(type)\",\"object\":\(object)}\n"
    }
}
