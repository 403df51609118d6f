import Hummingbird

/// The OpenAPI 3.0 document of SwiftLB's REST API, served at `GET /netlox/v1/openapi.json`.
///
/// It lists every route `makeRouter` registers (`OpenAPIDocumentTests` fails when a route is added
/// without being documented here), with request and response schemas matching the JSON models of
/// SwiftLBCore and field constraints matching what the validators enforce, so that a schema-driven
/// fuzzer (`scripts/fuzz-api.sh`) generates meaningful requests.
public enum OpenAPIDocument {
    /// The document as JSON text.
    public static let json: String = #"""
        {
          "openapi": "3.0.3",
          "info": {
            "title": "SwiftLB REST API",
            "version": "1",
            "description": "loxilb's REST API as SwiftLB serves it (port 11111 by default, HTTPS with --api-tls-cert; see docs/api.md). Request bodies are decoded like loxilb's Go server does: keys match case-insensitively, unknown keys are ignored, and a missing key or `null` means the field's zero value, so the constraints below are those of the field's value once decoded. Every answer with a body is JSON except the metrics, which are Prometheus text; every error is loxilb's `ErrorModel` with the HTTP status in `code`. Fields marked nullable are those whose zero value is valid. Numbers anywhere in a body must be written without a fraction or exponent (400 otherwise).\n\nAuthentication: every request but the login carries an API token (`swiftlb run --api-token-file`) in the `Authorization` header, as `Bearer <token>` or the bare token; a missing or unknown token is a 401, a read-only token on anything but GET a 403. POSTs with a body must send `Content-Type: application/json` (415 otherwise). Bodies above 1 MiB (an import: 64 MiB) are refused with 413; a known path asked with a method it does not serve answers 405 with `Allow`."
          },
          "tags": [
            {
              "name": "loadbalancer",
              "description": "Load-balancer rules."
            },
            {
              "name": "endpoint",
              "description": "Endpoint health monitoring (docs/health-checks.md)."
            },
            {
              "name": "conntrack",
              "description": "Live connections."
            },
            {
              "name": "bgp",
              "description": "BGP speaker and neighbors (docs/bgp.md); 503 without --bgp."
            },
            {
              "name": "firewall",
              "description": "Firewall rules: first match by preference, IPv4 and IPv6 (docs/firewall.md)."
            },
            {
              "name": "telco",
              "description": "GTP-U user plane sessions and uplink classifiers (docs/telco.md)."
            },
            {
              "name": "policy",
              "description": "QoS policers: trTCM and srTCM three-colour markers on an interface or LB rules (docs/qos.md)."
            },
            {
              "name": "ha",
              "description": "High availability: instance roles (cistate) and BFD sessions between instances (docs/ha.md)."
            },
            {
              "name": "system",
              "description": "Version, metrics and this document."
            },
            {
              "name": "auth",
              "description": "loxicmd's login and logout."
            },
            {
              "name": "config",
              "description": "Export and import of the whole configuration."
            },
            {
              "name": "mirror",
              "description": "Traffic mirroring: SPAN, RSPAN and ERSPAN copies of a port's or an LB rule's packets (docs/mirroring.md)."
            }
          ],
          "security": [
            {
              "apiToken": []
            }
          ],
          "paths": {
            "/netlox/v1/config/loadbalancer": {
              "post": {
                "operationId": "createLoadBalancer",
                "tags": [
                  "loadbalancer"
                ],
                "summary": "Create or update a load-balancer rule",
                "description": "Validated fully before anything changes. 200 means the rule is programmed into the kernel and committed to the config database.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/LoadBalancerEntry"
                      },
                      "example": {
                        "serviceArguments": {
                          "externalIP": "10.100.100.1",
                          "port": 80,
                          "protocol": "tcp",
                          "sel": 0,
                          "mode": 0,
                          "name": "web"
                        },
                        "endpoints": [
                          {
                            "endpointIP": "10.100.2.2",
                            "targetPort": 8080,
                            "weight": 1
                          },
                          {
                            "endpointIP": "10.100.2.3",
                            "targetPort": 8080,
                            "weight": 2
                          }
                        ]
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    },
                    "links": {
                      "DeleteByKey": {
                        "operationId": "deleteLoadBalancerService",
                        "parameters": {
                          "ip_address": "$request.body#/serviceArguments/externalIP",
                          "port": "$request.body#/serviceArguments/port",
                          "proto": "$request.body#/serviceArguments/protocol"
                        },
                        "description": "The rule just created, by VIP, port and protocol."
                      },
                      "DeleteByName": {
                        "operationId": "deleteLoadBalancerByName",
                        "parameters": {
                          "lb_name": "$request.body#/serviceArguments/name"
                        },
                        "description": "The rule just created, by name (when it has one)."
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "409": {
                    "$ref": "#/components/responses/Conflict"
                  },
                  "413": {
                    "$ref": "#/components/responses/PayloadTooLarge"
                  },
                  "415": {
                    "$ref": "#/components/responses/UnsupportedMediaType"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "507": {
                    "$ref": "#/components/responses/InsufficientStorage"
                  }
                }
              }
            },
            "/netlox/v1/config/loadbalancer/all": {
              "get": {
                "operationId": "listLoadBalancers",
                "tags": [
                  "loadbalancer"
                ],
                "summary": "List the rules with endpoint state and counters",
                "responses": {
                  "200": {
                    "description": "The rules.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/LoadBalancerList"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  }
                }
              },
              "delete": {
                "operationId": "deleteAllLoadBalancers",
                "tags": [
                  "loadbalancer"
                ],
                "summary": "Delete every rule",
                "description": "All at once, or none on a failure; 204 also when there is none. Query parameters are ignored.",
                "responses": {
                  "204": {
                    "description": "Deleted."
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  }
                }
              }
            },
            "/netlox/v1/config/loadbalancer/name/{lb_name}": {
              "delete": {
                "operationId": "deleteLoadBalancerByName",
                "tags": [
                  "loadbalancer"
                ],
                "summary": "Delete the rules of a name",
                "description": "Query parameters are ignored.",
                "parameters": [
                  {
                    "name": "lb_name",
                    "in": "path",
                    "required": true,
                    "description": "The rule name.",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  }
                ],
                "responses": {
                  "204": {
                    "description": "Deleted."
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  }
                }
              }
            },
            "/netlox/v1/config/loadbalancer/externalipaddress/{ip_address}/port/{port}/protocol/{proto}": {
              "delete": {
                "operationId": "deleteLoadBalancerService",
                "tags": [
                  "loadbalancer"
                ],
                "summary": "Delete a rule by VIP, port and protocol",
                "description": "Deletes the rule and ends its flows (one conntrack sweep, one config transaction).",
                "parameters": [
                  {
                    "name": "ip_address",
                    "in": "path",
                    "required": true,
                    "description": "The rule's VIP (an IPv4 or IPv6 address).",
                    "schema": {
                      "anyOf": [
                        {
                          "type": "string",
                          "format": "ipv4"
                        },
                        {
                          "type": "string",
                          "format": "ipv6"
                        }
                      ]
                    }
                  },
                  {
                    "name": "port",
                    "in": "path",
                    "required": true,
                    "description": "The rule's port (its first port for a range).",
                    "schema": {
                      "type": "integer",
                      "minimum": 0,
                      "maximum": 65535
                    }
                  },
                  {
                    "name": "proto",
                    "in": "path",
                    "required": true,
                    "description": "The rule's protocol (case-insensitive).",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "tcp",
                        "udp",
                        "sctp",
                        "icmp"
                      ]
                    }
                  },
                  {
                    "name": "bgp",
                    "in": "query",
                    "required": false,
                    "description": "loxicmd's flag: a Go boolean (1, t, true, 0, f, false); accepted.",
                    "schema": {
                      "type": "boolean"
                    }
                  },
                  {
                    "name": "block",
                    "in": "query",
                    "required": false,
                    "description": "loxicmd's firewall mark: only 0 is supported.",
                    "schema": {
                      "type": "number",
                      "enum": [
                        0
                      ]
                    }
                  }
                ],
                "responses": {
                  "204": {
                    "description": "Deleted."
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  }
                }
              }
            },
            "/netlox/v1/config/loadbalancer/externalipaddress/{ip_address}/port/{port}/portmax/{portmax}/protocol/{proto}": {
              "delete": {
                "operationId": "deleteLoadBalancerServiceRange",
                "tags": [
                  "loadbalancer"
                ],
                "summary": "Delete a rule by VIP, port range and protocol",
                "description": "Deletes the rule and ends its flows (one conntrack sweep, one config transaction).",
                "parameters": [
                  {
                    "name": "ip_address",
                    "in": "path",
                    "required": true,
                    "description": "The rule's VIP (an IPv4 or IPv6 address).",
                    "schema": {
                      "anyOf": [
                        {
                          "type": "string",
                          "format": "ipv4"
                        },
                        {
                          "type": "string",
                          "format": "ipv6"
                        }
                      ]
                    }
                  },
                  {
                    "name": "port",
                    "in": "path",
                    "required": true,
                    "description": "The rule's port (its first port for a range).",
                    "schema": {
                      "type": "integer",
                      "minimum": 0,
                      "maximum": 65535
                    }
                  },
                  {
                    "name": "portmax",
                    "in": "path",
                    "required": true,
                    "description": "The range's last port; 0 or `port` match the rule starting at `port`, another value must be its range's end (404 otherwise).",
                    "schema": {
                      "type": "integer",
                      "minimum": 0,
                      "maximum": 65535
                    }
                  },
                  {
                    "name": "proto",
                    "in": "path",
                    "required": true,
                    "description": "The rule's protocol (case-insensitive).",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "tcp",
                        "udp",
                        "sctp",
                        "icmp"
                      ]
                    }
                  },
                  {
                    "name": "bgp",
                    "in": "query",
                    "required": false,
                    "description": "loxicmd's flag: a Go boolean (1, t, true, 0, f, false); accepted.",
                    "schema": {
                      "type": "boolean"
                    }
                  },
                  {
                    "name": "block",
                    "in": "query",
                    "required": false,
                    "description": "loxicmd's firewall mark: only 0 is supported.",
                    "schema": {
                      "type": "number",
                      "enum": [
                        0
                      ]
                    }
                  }
                ],
                "responses": {
                  "204": {
                    "description": "Deleted."
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  }
                }
              }
            },
            "/netlox/v1/config/loadbalancer/hosturl/{hosturl}/externalipaddress/{ip_address}/port/{port}/portmax/{portmax}/protocol/{proto}": {
              "delete": {
                "operationId": "deleteLoadBalancerHostServiceRange",
                "tags": [
                  "loadbalancer"
                ],
                "summary": "Delete a rule by host URL, VIP, port range and protocol",
                "description": "Deletes the rule and ends its flows (one conntrack sweep, one config transaction).",
                "parameters": [
                  {
                    "name": "hosturl",
                    "in": "path",
                    "required": true,
                    "description": "loxilb's L7 host; only \"any\" matches (SwiftLB rules have no host).",
                    "schema": {
                      "type": "string",
                      "minLength": 1,
                      "example": "any"
                    }
                  },
                  {
                    "name": "ip_address",
                    "in": "path",
                    "required": true,
                    "description": "The rule's VIP (an IPv4 or IPv6 address).",
                    "schema": {
                      "anyOf": [
                        {
                          "type": "string",
                          "format": "ipv4"
                        },
                        {
                          "type": "string",
                          "format": "ipv6"
                        }
                      ]
                    }
                  },
                  {
                    "name": "port",
                    "in": "path",
                    "required": true,
                    "description": "The rule's port (its first port for a range).",
                    "schema": {
                      "type": "integer",
                      "minimum": 0,
                      "maximum": 65535
                    }
                  },
                  {
                    "name": "portmax",
                    "in": "path",
                    "required": true,
                    "description": "The range's last port; 0 or `port` match the rule starting at `port`, another value must be its range's end (404 otherwise).",
                    "schema": {
                      "type": "integer",
                      "minimum": 0,
                      "maximum": 65535
                    }
                  },
                  {
                    "name": "proto",
                    "in": "path",
                    "required": true,
                    "description": "The rule's protocol (case-insensitive).",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "tcp",
                        "udp",
                        "sctp",
                        "icmp"
                      ]
                    }
                  },
                  {
                    "name": "bgp",
                    "in": "query",
                    "required": false,
                    "description": "loxicmd's flag: a Go boolean (1, t, true, 0, f, false); accepted.",
                    "schema": {
                      "type": "boolean"
                    }
                  },
                  {
                    "name": "block",
                    "in": "query",
                    "required": false,
                    "description": "loxicmd's firewall mark: only 0 is supported.",
                    "schema": {
                      "type": "number",
                      "enum": [
                        0
                      ]
                    }
                  }
                ],
                "responses": {
                  "204": {
                    "description": "Deleted."
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  }
                }
              }
            },
            "/netlox/v1/config/loadbalancer/hosturl/{hosturl}/externalipaddress/{ip_address}/port/{port}/protocol/{proto}": {
              "delete": {
                "operationId": "deleteLoadBalancerHostService",
                "tags": [
                  "loadbalancer"
                ],
                "summary": "Delete a rule by host URL, VIP, port and protocol",
                "description": "Deletes the rule and ends its flows (one conntrack sweep, one config transaction).",
                "parameters": [
                  {
                    "name": "hosturl",
                    "in": "path",
                    "required": true,
                    "description": "loxilb's L7 host; only \"any\" matches (SwiftLB rules have no host).",
                    "schema": {
                      "type": "string",
                      "minLength": 1,
                      "example": "any"
                    }
                  },
                  {
                    "name": "ip_address",
                    "in": "path",
                    "required": true,
                    "description": "The rule's VIP (an IPv4 or IPv6 address).",
                    "schema": {
                      "anyOf": [
                        {
                          "type": "string",
                          "format": "ipv4"
                        },
                        {
                          "type": "string",
                          "format": "ipv6"
                        }
                      ]
                    }
                  },
                  {
                    "name": "port",
                    "in": "path",
                    "required": true,
                    "description": "The rule's port (its first port for a range).",
                    "schema": {
                      "type": "integer",
                      "minimum": 0,
                      "maximum": 65535
                    }
                  },
                  {
                    "name": "proto",
                    "in": "path",
                    "required": true,
                    "description": "The rule's protocol (case-insensitive).",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "tcp",
                        "udp",
                        "sctp",
                        "icmp"
                      ]
                    }
                  },
                  {
                    "name": "bgp",
                    "in": "query",
                    "required": false,
                    "description": "loxicmd's flag: a Go boolean (1, t, true, 0, f, false); accepted.",
                    "schema": {
                      "type": "boolean"
                    }
                  },
                  {
                    "name": "block",
                    "in": "query",
                    "required": false,
                    "description": "loxicmd's firewall mark: only 0 is supported.",
                    "schema": {
                      "type": "number",
                      "enum": [
                        0
                      ]
                    }
                  }
                ],
                "responses": {
                  "204": {
                    "description": "Deleted."
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  }
                }
              }
            },
            "/netlox/v1/config/conntrack/all": {
              "get": {
                "operationId": "listConntrack",
                "tags": [
                  "conntrack"
                ],
                "summary": "List live connections",
                "responses": {
                  "200": {
                    "description": "The connections.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ConntrackList"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/version": {
              "get": {
                "operationId": "getVersion",
                "tags": [
                  "system"
                ],
                "summary": "The daemon's version",
                "responses": {
                  "200": {
                    "description": "The version.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/VersionInfo"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  }
                }
              }
            },
            "/netlox/v1/status/ready": {
              "get": {
                "operationId": "getReady",
                "tags": [
                  "system"
                ],
                "summary": "Whether the datapath is loaded, attached and programmed (a readiness probe; no token needed)",
                "security": [],
                "responses": {
                  "200": {
                    "description": "Ready: rules created now take effect at once.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Readiness"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "Still loading the datapath; reads are answered, writes wait until it is ready.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Readiness"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/metrics": {
              "get": {
                "operationId": "getMetrics",
                "tags": [
                  "system"
                ],
                "summary": "Prometheus metrics",
                "description": "A scrape is complete or fails visibly: 503 when a counter cannot be read.",
                "responses": {
                  "200": {
                    "description": "Prometheus text exposition format 0.0.4 (see docs/metrics.md).",
                    "content": {
                      "text/plain": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/metrics": {
              "get": {
                "operationId": "getAPIMetrics",
                "tags": [
                  "system"
                ],
                "summary": "Prometheus metrics (same as /metrics)",
                "responses": {
                  "200": {
                    "description": "Prometheus text exposition format 0.0.4 (see docs/metrics.md).",
                    "content": {
                      "text/plain": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/openapi.json": {
              "get": {
                "operationId": "getOpenAPIDocument",
                "tags": [
                  "system"
                ],
                "summary": "This OpenAPI document",
                "responses": {
                  "200": {
                    "description": "The OpenAPI 3.0 document of the API.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  }
                }
              }
            },
            "/netlox/v1/config/endpoint": {
              "post": {
                "operationId": "createEndpoint",
                "tags": [
                  "endpoint"
                ],
                "summary": "Monitor an endpoint host",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/EndPointEntry"
                      },
                      "example": {
                        "hostName": "10.100.2.2",
                        "probeType": "http",
                        "probePort": 8080,
                        "probeReq": "/healthz",
                        "probeDuration": 10,
                        "inactiveReTries": 2
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    },
                    "links": {
                      "Delete": {
                        "operationId": "deleteEndpoint",
                        "parameters": {
                          "ip_address": "$request.body#/hostName"
                        },
                        "description": "The monitoring entries of the host just configured."
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "413": {
                    "$ref": "#/components/responses/PayloadTooLarge"
                  },
                  "415": {
                    "$ref": "#/components/responses/UnsupportedMediaType"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  }
                }
              }
            },
            "/netlox/v1/config/endpoint/all": {
              "get": {
                "operationId": "listEndpoints",
                "tags": [
                  "endpoint"
                ],
                "summary": "List monitored hosts with state and probe delays",
                "responses": {
                  "200": {
                    "description": "The hosts.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/EndPointList"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  }
                }
              }
            },
            "/netlox/v1/config/endpoint/epipaddress/{ip_address}": {
              "delete": {
                "operationId": "deleteEndpoint",
                "tags": [
                  "endpoint"
                ],
                "summary": "Delete the monitoring entries of a host",
                "parameters": [
                  {
                    "name": "ip_address",
                    "in": "path",
                    "required": true,
                    "description": "The host's IPv4 or IPv6 address.",
                    "schema": {
                      "anyOf": [
                        {
                          "type": "string",
                          "format": "ipv4"
                        },
                        {
                          "type": "string",
                          "format": "ipv6"
                        }
                      ]
                    }
                  },
                  {
                    "name": "name",
                    "in": "query",
                    "required": false,
                    "description": "Only the entry of this name.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "probe_type",
                    "in": "query",
                    "required": false,
                    "description": "Only entries of this probe type.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "probe_port",
                    "in": "query",
                    "required": false,
                    "description": "Only entries probing this port (a decimal integer); 0 or empty: any.",
                    "schema": {
                      "type": "string",
                      "pattern": "^([-+]?[0-9]{1,18})?$"
                    }
                  }
                ],
                "responses": {
                  "204": {
                    "description": "Deleted."
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  }
                }
              }
            },
            "/netlox/v1/config/endpointhoststate": {
              "post": {
                "operationId": "setEndpointHostState",
                "tags": [
                  "endpoint"
                ],
                "summary": "Mark a host up or down",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/EndPointHostState"
                      },
                      "example": {
                        "hostName": "10.100.2.2",
                        "epPort": 8080,
                        "epProto": "tcp",
                        "state": "red"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "413": {
                    "$ref": "#/components/responses/PayloadTooLarge"
                  },
                  "415": {
                    "$ref": "#/components/responses/UnsupportedMediaType"
                  }
                }
              }
            },
            "/netlox/v1/auth/login": {
              "post": {
                "operationId": "login",
                "tags": [
                  "auth"
                ],
                "summary": "Exchange a token's name and secret for the token (loxicmd's login)",
                "description": "The one path open without a token. 401 when the name and secret do not match a token.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/LoginRequest"
                      },
                      "example": {
                        "username": "admin",
                        "password": "<the token's secret>"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "The token.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/LoginAnswer"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "413": {
                    "$ref": "#/components/responses/PayloadTooLarge"
                  },
                  "415": {
                    "$ref": "#/components/responses/UnsupportedMediaType"
                  }
                },
                "security": []
              }
            },
            "/netlox/v1/auth/logout": {
              "post": {
                "operationId": "logout",
                "tags": [
                  "auth"
                ],
                "summary": "Log out (loxicmd's logout)",
                "description": "Tokens live in the daemon's token file, so there is nothing to revoke: 200 for any valid token.",
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "415": {
                    "$ref": "#/components/responses/UnsupportedMediaType"
                  }
                }
              }
            },
            "/netlox/v1/config/export": {
              "get": {
                "operationId": "exportConfig",
                "tags": [
                  "config"
                ],
                "summary": "Export every rule as one configuration file",
                "responses": {
                  "200": {
                    "description": "The configuration file.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ConfigExport"
                        }
                      }
                    },
                    "headers": {
                      "Content-Disposition": {
                        "description": "`attachment; filename=swiftlb-config-<time>.json`.",
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  }
                }
              }
            },
            "/netlox/v1/config/import": {
              "post": {
                "operationId": "importConfig",
                "tags": [
                  "config"
                ],
                "summary": "Replace every rule with a configuration file's",
                "description": "All or nothing: every entry is validated as a create would be (errors name `loadbalancer[i]`), then rules not in the file are deleted, changed ones replaced and new ones added in one datapath pass and one config transaction. The answer's `result` counts them: \"Success: N added, N kept, N removed\". The file comes as the JSON body, or (as loxilb's clients send it) as the `configuration` part of a multipart/form-data body, which the daemon accepts only with tokens on. Bodies up to 64 MiB.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "allOf": [
                          {
                            "$ref": "#/components/schemas/ConfigExport"
                          }
                        ]
                      },
                      "example": {
                        "loadbalancer": [
                          {
                            "serviceArguments": {
                              "externalIP": "10.100.100.1",
                              "port": 80,
                              "protocol": "tcp",
                              "name": "web"
                            },
                            "endpoints": [
                              {
                                "endpointIP": "10.100.2.2",
                                "targetPort": 8080,
                                "weight": 1
                              }
                            ]
                          }
                        ]
                      }
                    },
                    "multipart/form-data": {
                      "schema": {
                        "type": "object",
                        "required": [
                          "configuration"
                        ],
                        "properties": {
                          "configuration": {
                            "type": "string",
                            "format": "binary",
                            "description": "The configuration file (JSON)."
                          }
                        }
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "409": {
                    "$ref": "#/components/responses/Conflict"
                  },
                  "413": {
                    "$ref": "#/components/responses/PayloadTooLarge"
                  },
                  "415": {
                    "$ref": "#/components/responses/UnsupportedMediaType"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "507": {
                    "$ref": "#/components/responses/InsufficientStorage"
                  }
                }
              }
            },
            "/netlox/v1/config/bgp/global": {
              "post": {
                "operationId": "setBGPGlobal",
                "tags": [
                  "bgp"
                ],
                "summary": "Set the local BGP speaker",
                "description": "503 when the daemon runs without --bgp.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/BGPGlobalConfig"
                      },
                      "example": {
                        "localAs": 65001,
                        "routerId": "10.0.0.1",
                        "listenPort": 179
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "413": {
                    "$ref": "#/components/responses/PayloadTooLarge"
                  },
                  "415": {
                    "$ref": "#/components/responses/UnsupportedMediaType"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              },
              "get": {
                "operationId": "getBGPGlobal",
                "tags": [
                  "bgp"
                ],
                "summary": "The local BGP speaker's settings, defaults filled in",
                "description": "404 until configured; 503 when the daemon runs without --bgp.",
                "responses": {
                  "200": {
                    "description": "The settings.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/BGPGlobalConfig"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/cistate": {
              "post": {
                "operationId": "setHAState",
                "tags": [
                  "ha"
                ],
                "summary": "Set an instance's HA role and floating address",
                "description": "Without --ha-peers the role is taken as given (an external controller, as kube-loxilb's --setRoles): a MASTER holds the instance's VIPs and announces them, a BACKUP releases them. With peers it is a manual switch-over: MASTER takes over with the newest epoch, BACKUP steps down and lets a peer take over. Saved before the answer.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/HAInstanceRequest"
                      },
                      "example": {
                        "instance": "llb-inst0",
                        "state": "MASTER",
                        "vip": "10.0.2.1"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "413": {
                    "$ref": "#/components/responses/PayloadTooLarge"
                  },
                  "415": {
                    "$ref": "#/components/responses/UnsupportedMediaType"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/cistate/all": {
              "get": {
                "operationId": "listHAStates",
                "tags": [
                  "ha"
                ],
                "summary": "List the HA instances and the role each holds now",
                "responses": {
                  "200": {
                    "description": "The instances, sorted by name.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/HAInstanceList"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/firewall": {
              "post": {
                "operationId": "addFirewallRule",
                "tags": [
                  "firewall"
                ],
                "summary": "Create a firewall rule",
                "description": "Matches source and destination prefixes, port ranges (0/0 = any), protocol (0 = any), incoming interface and preference (higher wins); action allow, drop, trap, redirect (to redirectPortName) or doSnat (toIP, toPort; toIP of the rule's family, IPv4 or IPv6; onDefault: only packets no LB rule takes, and only on the HA MASTER), with an optional fwMark (not with doSnat). Evaluated for ingress packets that are not part of a tracked flow; with everyPacket (SwiftLB's own field, not with doSnat) also for every ingress packet of tracked flows. record is refused (400). 200 once stored and installed; 409 when the same rule exists; 507 when a limit is reached (docs/firewall.md).",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/FirewallEntry"
                      },
                      "example": {
                        "ruleArguments": {
                          "sourceIP": "10.0.0.0/24",
                          "destinationIP": "20.20.20.1/32",
                          "protocol": 6,
                          "minDestinationPort": 2020,
                          "maxDestinationPort": 2020,
                          "preference": 200
                        },
                        "opts": {
                          "drop": true
                        }
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "409": {
                    "$ref": "#/components/responses/Conflict"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  },
                  "507": {
                    "$ref": "#/components/responses/InsufficientStorage"
                  }
                }
              },
              "delete": {
                "operationId": "deleteFirewallRule",
                "tags": [
                  "firewall"
                ],
                "summary": "Delete the firewall rule the query names",
                "description": "The query carries the rule's match fields (sourceIP, destinationIP, minSourcePort, maxSourcePort, minDestinationPort, maxDestinationPort, protocol, portName, preference); a missing field is zero or empty, as in loxilb.",
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/firewall/all": {
              "get": {
                "operationId": "listFirewallRules",
                "tags": [
                  "firewall"
                ],
                "summary": "List firewall rules with their counters",
                "responses": {
                  "200": {
                    "description": "The rules; `opts.counter` is \"packets:bytes\".",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/FirewallList"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/session": {
              "post": {
                "operationId": "addSession",
                "tags": [
                  "telco"
                ],
                "summary": "Create a GTP-U session",
                "description": "A UE address with its access network tunnel (the gNB's TEID and address: downlink G-PDUs go there) and core network tunnel (the UPF's own TEID and address: uplink G-PDUs arrive there). IPv4 only. The same ident with other values replaces the session and drops its classifiers, as in loxilb. 409 when the session exists as posted or another has the UE address or core tunnel; 507 when full (docs/telco.md).",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SessionEntry"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "409": {
                    "$ref": "#/components/responses/Conflict"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  },
                  "507": {
                    "$ref": "#/components/responses/InsufficientStorage"
                  }
                }
              }
            },
            "/netlox/v1/config/session/all": {
              "get": {
                "operationId": "listSessions",
                "tags": [
                  "telco"
                ],
                "summary": "List GTP-U sessions with their counters",
                "responses": {
                  "200": {
                    "description": "The sessions; uplinkCounter and downlinkCounter are \"packets:bytes\".",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/SessionList"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/session/ident/{ident}": {
              "delete": {
                "operationId": "deleteSession",
                "tags": [
                  "telco"
                ],
                "summary": "Delete a GTP-U session and its classifiers",
                "parameters": [
                  {
                    "name": "ident",
                    "in": "path",
                    "required": true,
                    "description": "The session's user name.",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/sessionulcl": {
              "post": {
                "operationId": "addSessionUlCl",
                "tags": [
                  "telco"
                ],
                "summary": "Create an uplink classifier",
                "description": "Uplink G-PDUs of the session marked with qfi go to ulclIP as next hop; downlink packets from ulclIP carry qfi. 404 without the session; 409 when it has a classifier for this address or QFI.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SessionUlClEntry"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "409": {
                    "$ref": "#/components/responses/Conflict"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  },
                  "507": {
                    "$ref": "#/components/responses/InsufficientStorage"
                  }
                }
              }
            },
            "/netlox/v1/config/sessionulcl/all": {
              "get": {
                "operationId": "listSessionUlCls",
                "tags": [
                  "telco"
                ],
                "summary": "List uplink classifiers",
                "responses": {
                  "200": {
                    "description": "The classifiers.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/SessionUlClList"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/sessionulcl/ident/{ident}/ulclAddress/{ip_address}": {
              "delete": {
                "operationId": "deleteSessionUlCl",
                "tags": [
                  "telco"
                ],
                "summary": "Delete an uplink classifier",
                "parameters": [
                  {
                    "name": "ident",
                    "in": "path",
                    "required": true,
                    "description": "The session's user name.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "ip_address",
                    "in": "path",
                    "required": true,
                    "description": "The classifier's breakout address.",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/bfd": {
              "post": {
                "operationId": "addBFDSession",
                "tags": [
                  "ha"
                ],
                "summary": "Create a BFD session with another instance",
                "description": "200 once validated and saved; the session comes up asynchronously (RFC 5880/5881, single hop, IPv4). Posting an existing peer of the same instance changes its interval and retry count; of another instance, 409.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/BFDSession"
                      },
                      "example": {
                        "instance": "default",
                        "remoteIp": "10.0.0.2",
                        "interval": 200000,
                        "retryCount": 3
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "409": {
                    "$ref": "#/components/responses/Conflict"
                  },
                  "413": {
                    "$ref": "#/components/responses/PayloadTooLarge"
                  },
                  "415": {
                    "$ref": "#/components/responses/UnsupportedMediaType"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/bfd/all": {
              "get": {
                "operationId": "listBFDSessions",
                "tags": [
                  "ha"
                ],
                "summary": "List BFD sessions",
                "responses": {
                  "200": {
                    "description": "The sessions with their state.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/BFDSessionList"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/bfd/remoteIP/{remote_ip}": {
              "delete": {
                "operationId": "deleteBFDSession",
                "tags": [
                  "ha"
                ],
                "summary": "Delete a BFD session",
                "description": "The peer is told AdminDown, then the session ends.",
                "parameters": [
                  {
                    "name": "remote_ip",
                    "in": "path",
                    "required": true,
                    "description": "The peer instance's IPv4 address.",
                    "schema": {
                      "type": "string",
                      "format": "ipv4"
                    }
                  },
                  {
                    "name": "instance",
                    "in": "query",
                    "required": false,
                    "description": "When given and not empty, the session's instance must match (404 otherwise).",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/bgp/neigh": {
              "post": {
                "operationId": "addBGPNeighbor",
                "tags": [
                  "bgp"
                ],
                "summary": "Add a BGP neighbor",
                "description": "200 once validated and saved; the session comes up asynchronously.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/BGPNeighbor"
                      },
                      "example": {
                        "ipAddress": "10.0.0.2",
                        "remoteAs": 65002
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    },
                    "links": {
                      "Delete": {
                        "operationId": "deleteBGPNeighbor",
                        "parameters": {
                          "ip_address": "$request.body#/ipAddress",
                          "remoteAs": "$request.body#/remoteAs"
                        },
                        "description": "The neighbor just added."
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "409": {
                    "$ref": "#/components/responses/Conflict"
                  },
                  "413": {
                    "$ref": "#/components/responses/PayloadTooLarge"
                  },
                  "415": {
                    "$ref": "#/components/responses/UnsupportedMediaType"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              },
              "get": {
                "operationId": "listBGPNeighbors",
                "tags": [
                  "bgp"
                ],
                "summary": "List BGP neighbors (same as /neigh/all)",
                "responses": {
                  "200": {
                    "description": "The neighbors with their session state.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/BGPNeighborList"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/bgp/neigh/all": {
              "get": {
                "operationId": "listAllBGPNeighbors",
                "tags": [
                  "bgp"
                ],
                "summary": "List BGP neighbors",
                "responses": {
                  "200": {
                    "description": "The neighbors with their session state.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/BGPNeighborList"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/bgp/neigh/{ip_address}": {
              "delete": {
                "operationId": "deleteBGPNeighbor",
                "tags": [
                  "bgp"
                ],
                "summary": "Delete a BGP neighbor",
                "description": "405 for the address \"all\" (the path of the listing).",
                "parameters": [
                  {
                    "name": "ip_address",
                    "in": "path",
                    "required": true,
                    "description": "The neighbor's IPv4 or IPv6 address.",
                    "schema": {
                      "anyOf": [
                        {
                          "type": "string",
                          "format": "ipv4"
                        },
                        {
                          "type": "string",
                          "format": "ipv6"
                        }
                      ]
                    }
                  },
                  {
                    "name": "remoteAs",
                    "in": "query",
                    "required": false,
                    "description": "When given and not 0, the neighbor's AS must match (404 otherwise).",
                    "schema": {
                      "type": "integer",
                      "minimum": 0,
                      "maximum": 4294967295
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "405": {
                    "$ref": "#/components/responses/MethodNotAllowed"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/policy": {
              "post": {
                "operationId": "addPolicy",
                "tags": [
                  "policy"
                ],
                "summary": "Create (or change) a QoS policy",
                "description": "A policer (type 0 trTCM: committedInfoRate and peakInfoRate; type 1 srTCM: committedInfoRate) in Mbit/s, 8...100000, with bucket sizes in bytes (0: committedBlkSize 30000000, excessBlkSize twice committedBlkSize). targetObject attachment 1 polices every packet entering interface polObjName, attachment 2 every packet of the IPv4 flows of the LB rules named polObjName. Green packets pass, yellow ones pass with their DSCP marked, red ones are dropped. Posting an existing name with other parameters replaces it; with the same ones, 409. 409 also when the target has another policy (docs/qos.md).",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/PolicyEntry"
                      },
                      "example": {
                        "policyIdent": "pol-web",
                        "policyInfo": {
                          "type": 0,
                          "colorAware": false,
                          "committedInfoRate": 100,
                          "peakInfoRate": 200,
                          "committedBlkSize": 0,
                          "excessBlkSize": 0
                        },
                        "targetObject": {
                          "polObjName": "web",
                          "attachment": 2
                        }
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Stored and installed: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "409": {
                    "$ref": "#/components/responses/Conflict"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  },
                  "507": {
                    "$ref": "#/components/responses/InsufficientStorage"
                  }
                }
              }
            },
            "/netlox/v1/config/policy/all": {
              "get": {
                "operationId": "listPolicies",
                "tags": [
                  "policy"
                ],
                "summary": "List QoS policies with their counters",
                "responses": {
                  "200": {
                    "description": "The policies, defaults filled in; `policyStats` counts packets and bytes per colour.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PolicyList"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/policy/ident/{ident}": {
              "delete": {
                "operationId": "deletePolicy",
                "tags": [
                  "policy"
                ],
                "summary": "Delete a QoS policy",
                "parameters": [
                  {
                    "name": "ident",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string",
                      "minLength": 1,
                      "maxLength": 128
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/mirror": {
              "post": {
                "operationId": "addMirror",
                "tags": [
                  "mirror"
                ],
                "summary": "Create a mirror",
                "description": "mirrorInfo.type 0 SPAN (copies out of port), 1 RSPAN (out of port tagged vlan 1-4094), 2 ERSPAN type II (from sourceIP to remoteIP, session tunnelID 1-1023); targetObject.attachment 1 copies every packet entering the port mirrObjName, 2 every IPv4 packet of the flows of the LB rules mirrObjName selects (rule name or vip:port/proto). 200 once stored and installed; 409 when the mirror exists with these settings or its port or rule is mirrored by another; a mirror of an existing name with other settings replaces it; 507 beyond 1023 mirrors (docs/mirroring.md).",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/MirrorEntry"
                      },
                      "example": {
                        "mirrorIdent": "mirr-1",
                        "mirrorInfo": {
                          "type": 0,
                          "port": "eth2"
                        },
                        "targetObject": {
                          "attachment": 1,
                          "mirrObjName": "eth0"
                        }
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "409": {
                    "$ref": "#/components/responses/Conflict"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  },
                  "507": {
                    "$ref": "#/components/responses/InsufficientStorage"
                  }
                }
              }
            },
            "/netlox/v1/config/mirror/all": {
              "get": {
                "operationId": "listMirrors",
                "tags": [
                  "mirror"
                ],
                "summary": "List mirrors with their state and counters",
                "responses": {
                  "200": {
                    "description": "The mirrors by name; sync 0 installed, 1 waiting for its port, rule or tunnel; counter \"packets:bytes\" of copies sent; failures, copies the kernel refused.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/MirrorList"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/netlox/v1/config/mirror/ident/{ident}": {
              "delete": {
                "operationId": "deleteMirror",
                "tags": [
                  "mirror"
                ],
                "summary": "Delete a mirror",
                "parameters": [
                  {
                    "name": "ident",
                    "in": "path",
                    "required": true,
                    "description": "The mirror's name.",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "Done: `{\"result\":\"Success\"}`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PostSuccess"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            }
          },
          "components": {
            "securitySchemes": {
              "apiToken": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "An API token, as `Bearer <token>` or the bare token. Read-only tokens may only GET. A daemon run with --api-no-auth-on-loopback checks none."
              }
            },
            "responses": {
              "BadRequest": {
                "description": "Invalid input, nothing changed; `fields` names the field at fault.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ErrorModel"
                    }
                  }
                }
              },
              "Unauthorized": {
                "description": "No token, or one the daemon does not know.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ErrorModel"
                    }
                  }
                }
              },
              "Forbidden": {
                "description": "A read-only token on a write (anything but GET).",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ErrorModel"
                    }
                  }
                }
              },
              "NotFound": {
                "description": "Nothing matches the request (or the path is unknown).",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ErrorModel"
                    }
                  }
                }
              },
              "MethodNotAllowed": {
                "description": "The path does not serve this method; `Allow` lists those it does.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ErrorModel"
                    }
                  }
                },
                "headers": {
                  "Allow": {
                    "description": "The methods the path serves.",
                    "schema": {
                      "type": "string"
                    }
                  }
                }
              },
              "Conflict": {
                "description": "The request contradicts existing state; nothing changed.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ErrorModel"
                    }
                  }
                }
              },
              "PayloadTooLarge": {
                "description": "The body is larger than 1 MiB (64 MiB for an import).",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ErrorModel"
                    }
                  }
                }
              },
              "UnsupportedMediaType": {
                "description": "A POST with a body whose Content-Type is not application/json.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ErrorModel"
                    }
                  }
                }
              },
              "InternalError": {
                "description": "The datapath or the config store failed; the change was rolled back.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ErrorModel"
                    }
                  }
                }
              },
              "Unavailable": {
                "description": "A subsystem cannot answer now (datapath unreadable, or BGP disabled: start swiftlb with --bgp); retrying later may succeed.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ErrorModel"
                    }
                  }
                }
              },
              "InsufficientStorage": {
                "description": "A limit is reached (services, match-table entries, endpoints per service); nothing changed.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ErrorModel"
                    }
                  }
                }
              }
            },
            "schemas": {
              "Readiness": {
                "type": "object",
                "required": [
                  "ready"
                ],
                "properties": {
                  "ready": {
                    "type": "boolean",
                    "description": "True once the datapath is loaded, attached and programmed."
                  }
                }
              },
              "ErrorModel": {
                "type": "object",
                "description": "loxilb's error body. `code` repeats the HTTP status; `fields` names the request fields at fault (JSON paths such as `serviceArguments.port` or `endpoints[1].weight`, path or query parameter names, `body`, `path` or `method`); loxilb repeats the message in `result`, which loxicmd prints.",
                "required": [
                  "code",
                  "message",
                  "result"
                ],
                "properties": {
                  "code": {
                    "type": "integer",
                    "description": "The HTTP status."
                  },
                  "sub-code": {
                    "type": "integer",
                    "description": "A finer-grained code; always 0."
                  },
                  "message": {
                    "type": "string",
                    "description": "What went wrong and what to do about it."
                  },
                  "fields": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    },
                    "description": "The request fields at fault."
                  },
                  "details": {
                    "type": "string",
                    "description": "Extra detail; empty."
                  },
                  "result": {
                    "type": "string",
                    "description": "The message again (loxilb's field)."
                  }
                }
              },
              "PostSuccess": {
                "type": "object",
                "required": [
                  "result"
                ],
                "description": "The body of a successful write, as loxilb answers.",
                "properties": {
                  "result": {
                    "type": "string",
                    "example": "Success",
                    "description": "\"Success\"."
                  }
                }
              },
              "VersionInfo": {
                "type": "object",
                "required": [
                  "name",
                  "version",
                  "buildInfo",
                  "buildDate"
                ],
                "description": "loxilb's `version` and `buildInfo`, plus SwiftLB's `name` and `buildDate`.",
                "properties": {
                  "name": {
                    "type": "string",
                    "description": "The product name, \"swiftlb\"."
                  },
                  "version": {
                    "type": "string",
                    "description": "The release version, e.g. \"0.1.0\"."
                  },
                  "buildInfo": {
                    "type": "string",
                    "description": "Free-form build description, e.g. a commit id."
                  },
                  "buildDate": {
                    "type": "string",
                    "description": "When the daemon was built, as text."
                  }
                }
              },
              "ServiceArguments": {
                "type": "object",
                "required": [
                  "externalIP",
                  "protocol"
                ],
                "description": "What the service is and how it behaves. Fields SwiftLB does not implement yet accept only their zero value (anything else is a 400 saying so). Cross-field rules: `port` must be 1...65535 except for icmp, where `port` and `portMax` must be 0; `portMax` is 0, `port`, or above `port` with at most 4096 ports in the range; mode 3 (dsr) needs sel 1 (hash); `snatSources` only with mode 1 or 2 and an IPv4 VIP.",
                "properties": {
                  "externalIP": {
                    "description": "The service's VIP (required): a unicast IPv4 or IPv6 address; not unspecified, loopback, broadcast, multicast or IPv6 link-local.",
                    "anyOf": [
                      {
                        "type": "string",
                        "format": "ipv4",
                        "not": {
                          "pattern": "^(0\\.0\\.0\\.0|2(2[4-9]|3[0-9])\\..*|255\\.255\\.255\\.255|127\\..*)$"
                        }
                      },
                      {
                        "type": "string",
                        "format": "ipv6",
                        "not": {
                          "pattern": "^(::|[fF][fF].*|[fF][eE][89aAbB].*|::1)$"
                        }
                      }
                    ]
                  },
                  "privateIP": {
                    "type": "string",
                    "enum": [
                      "",
                      null
                    ],
                    "description": "loxilb's private IP; not supported yet.",
                    "nullable": true
                  },
                  "port": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 65535,
                    "description": "The service port, or the first port of a range: 1 to 65535; 0 for icmp.",
                    "nullable": true
                  },
                  "portMax": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 65535,
                    "description": "The last port of a range; 0 (or `port`) for a single port. At most 4096 ports per rule; ranges of rules on one VIP and protocol must not overlap (409).",
                    "nullable": true
                  },
                  "protocol": {
                    "type": "string",
                    "enum": [
                      "tcp",
                      "udp",
                      "sctp",
                      "icmp"
                    ],
                    "description": "The L4 protocol (case-insensitive; answered in lower case)."
                  },
                  "sel": {
                    "type": "integer",
                    "enum": [
                      0,
                      1,
                      2,
                      3,
                      4,
                      null
                    ],
                    "description": "Endpoint selection: 0 rr, 1 hash (Maglev), 2 priority (weights), 3 persist, 4 lc, 6 n3 (GTP-U by TEID; protocol udp only). 5 (n2) is refused as not supported yet.",
                    "nullable": true
                  },
                  "mode": {
                    "type": "integer",
                    "enum": [
                      0,
                      1,
                      2,
                      3,
                      null
                    ],
                    "description": "NAT mode: 0 default (DNAT), 1 onearm, 2 fullnat, 3 dsr (needs sel 1), 4 fullproxy (the userspace L7 proxy; tcp only). 5 hostonearm is refused.",
                    "nullable": true
                  },
                  "bgp": {
                    "type": "boolean",
                    "description": "Advertise the VIP over BGP; refused (400) when the daemon runs without --bgp.",
                    "nullable": true
                  },
                  "monitor": {
                    "type": "boolean",
                    "description": "Health-check the endpoints.",
                    "nullable": true
                  },
                  "probetype": {
                    "type": "string",
                    "enum": [
                      "",
                      "none",
                      "ping",
                      "tcp",
                      "udp",
                      "sctp",
                      "http",
                      "https",
                      "connect-tcp",
                      "connect-udp",
                      "connect-sctp",
                      "icmp",
                      null
                    ],
                    "description": "Probe type (case-insensitive); \"\" picks the protocol's default. loxicmd's older names (connect-tcp, icmp, ...) are answered as the current ones.",
                    "nullable": true
                  },
                  "probeport": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 65535,
                    "description": "The port probed; 0 for the service's.",
                    "nullable": true
                  },
                  "probereq": {
                    "type": "string",
                    "maxLength": 1024,
                    "pattern": "^[^\\u0000-\\u001f\\u007f]*$",
                    "description": "HTTP probes: the request path; UDP: the payload. At most 1024 bytes of UTF-8, no control characters.",
                    "nullable": true
                  },
                  "proberesp": {
                    "type": "string",
                    "maxLength": 1024,
                    "pattern": "^[^\\u0000-\\u001f\\u007f]*$",
                    "description": "Text the probe answer must contain. At most 1024 bytes of UTF-8, no control characters.",
                    "nullable": true
                  },
                  "probeTimeout": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 86400,
                    "description": "Seconds between probes; 0 means 60.",
                    "nullable": true
                  },
                  "probeRetries": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 100,
                    "description": "Failed probes before an endpoint is inactive; 0 means 2.",
                    "nullable": true
                  },
                  "inactiveTimeOut": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 4294967295,
                    "description": "Idle timeout of a connection in seconds; 0 means the protocol's default.",
                    "nullable": true
                  },
                  "name": {
                    "type": "string",
                    "maxLength": 128,
                    "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$",
                    "description": "Optional rule name, unique among rules (409 otherwise): at most 128 characters, printable (no control, format, private-use or unassigned characters).",
                    "nullable": true
                  },
                  "snat": {
                    "type": "boolean",
                    "enum": [
                      false,
                      null
                    ],
                    "description": "loxilb's source NAT; not supported yet.",
                    "nullable": true
                  },
                  "managed": {
                    "type": "boolean",
                    "description": "Set by controllers (kube-loxilb) for rules they own.",
                    "nullable": true
                  },
                  "security": {
                    "type": "integer",
                    "enum": [
                      0,
                      1,
                      2,
                      null
                    ],
                    "description": "mode 4 (fullproxy) only: 0 plain; 1 https (TLS terminated by the proxy, certificate per host from --proxy-cert-dir); 2 e2ehttps (terminated, then re-encrypted to endpoints verified against --proxy-endpoint-ca).",
                    "nullable": true
                  },
                  "block": {
                    "type": "integer",
                    "enum": [
                      0,
                      null
                    ],
                    "description": "Firewall mark; not supported yet, send 0.",
                    "nullable": true
                  },
                  "oper": {
                    "type": "integer",
                    "enum": [
                      0,
                      1,
                      2,
                      null
                    ],
                    "description": "0 create or replace; 1 attach the listed endpoints to the rule (creating it if absent); 2 detach them (404 when there is no rule, 400 when none would remain).",
                    "nullable": true
                  },
                  "host": {
                    "type": "string",
                    "description": "mode 4 (fullproxy) only: virtual host matched against the TLS SNI and the HTTP Host header, e.g. example.com or *.example.com, optionally followed by a path prefix (example.com/api). Rules on one VIP and port may differ by host alone.",
                    "nullable": true
                  },
                  "proxyprotocolv2": {
                    "type": "boolean",
                    "description": "mode 4 (fullproxy) only: the proxy sends a PROXY protocol v2 header with the client's address to endpoints.",
                    "nullable": true
                  },
                  "egress": {
                    "type": "boolean",
                    "enum": [
                      false,
                      null
                    ],
                    "description": "Egress rules; not supported yet.",
                    "nullable": true
                  },
                  "snatSources": {
                    "type": "string",
                    "pattern": "^[0-9./ -]*$",
                    "description": "SwiftLB's extension, modes fullnat (2) and onearm (1) of IPv4 services: the addresses the rule's flows leave from, as one IPv4 address, a prefix (/16 to /32) or a range `A-B` of at most 65536 unicast addresses; echoed in canonical form, and written in answers only when set.",
                    "nullable": true
                  },
                  "srv6Sid": {
                    "type": "string",
                    "description": "SwiftLB's SRv6 extension (docs/telco.md): an IPv6 unicast address of this load balancer, the outer source toward endpoints with `srv6Segments` and the SID their encapsulated replies are decapsulated at (End.DX4/End.DX6). Required when an endpoint has `srv6Segments`, refused without one; written in answers only when set.",
                    "nullable": true
                  }
                }
              },
              "LBEndpoint": {
                "type": "object",
                "required": [
                  "endpointIP"
                ],
                "description": "One endpoint. In answers it has `state` and `counter`; in requests they are ignored.",
                "properties": {
                  "endpointIP": {
                    "description": "The endpoint's unicast address (loopback allowed). Every endpoint of a service has the same family; IPv4 endpoints behind an IPv6 VIP are NAT64, the reverse is refused.",
                    "anyOf": [
                      {
                        "type": "string",
                        "format": "ipv4",
                        "not": {
                          "pattern": "^(0\\.0\\.0\\.0|2(2[4-9]|3[0-9])\\..*|255\\.255\\.255\\.255)$"
                        }
                      },
                      {
                        "type": "string",
                        "format": "ipv6",
                        "not": {
                          "pattern": "^(::|[fF][fF].*|[fF][eE][89aAbB].*)$"
                        }
                      }
                    ]
                  },
                  "targetPort": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 65535,
                    "description": "The endpoint's port; 0 means the service port (for a range: the port the client asked for). Mode dsr: 0 or the service port.",
                    "nullable": true
                  },
                  "weight": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 255,
                    "description": "Relative weight; 0 counts as 1 (loxilb's weight is one byte).",
                    "nullable": true
                  },
                  "state": {
                    "type": "string",
                    "enum": [
                      "",
                      "active",
                      "inactive",
                      null
                    ],
                    "readOnly": true,
                    "description": "\"inactive\" when a health probe or a host state took it out of selection.",
                    "nullable": true
                  },
                  "counter": {
                    "type": "string",
                    "pattern": "^([0-9]+:[0-9]+)?$",
                    "readOnly": true,
                    "description": "\"<packets>:<bytes>\" forwarded to this endpoint.",
                    "nullable": true
                  },
                  "srv6Segments": {
                    "type": "array",
                    "maxItems": 6,
                    "items": {
                      "type": "string",
                      "format": "ipv6"
                    },
                    "description": "SwiftLB's SRv6 extension (docs/telco.md): the endpoint's segment list, first segment first (IPv6 unicast SIDs, at most 6), for IPv6 VIPs in modes 0-2 with `serviceArguments.srv6Sid`. One segment: H.Encaps.Red; more: H.Encaps with an SRH. Written in answers only when set.",
                    "nullable": true
                  }
                }
              },
              "SecondaryIP": {
                "type": "object",
                "required": [
                  "secondaryIP"
                ],
                "description": "A further VIP of the rule.",
                "properties": {
                  "secondaryIP": {
                    "description": "A unicast address of the VIP's family (not loopback), distinct from the VIP and the other secondary IPs.",
                    "anyOf": [
                      {
                        "type": "string",
                        "format": "ipv4",
                        "not": {
                          "pattern": "^(0\\.0\\.0\\.0|2(2[4-9]|3[0-9])\\..*|255\\.255\\.255\\.255|127\\..*)$"
                        }
                      },
                      {
                        "type": "string",
                        "format": "ipv6",
                        "not": {
                          "pattern": "^(::|[fF][fF].*|[fF][eE][89aAbB].*|::1)$"
                        }
                      }
                    ]
                  }
                }
              },
              "AllowedSource": {
                "type": "object",
                "required": [
                  "prefix"
                ],
                "description": "A source prefix allowed to open flows to the rule.",
                "properties": {
                  "prefix": {
                    "type": "string",
                    "pattern": "^[0-9A-Fa-f.:]+(/[0-9]{1,3})?$",
                    "description": "CIDR (10.0.0.0/8, fd00::/64) or a single address; host bits are cleared and answered normalized."
                  }
                }
              },
              "LoadBalancerEntry": {
                "type": "object",
                "required": [
                  "serviceArguments",
                  "endpoints"
                ],
                "description": "loxilb's load-balancer entry: a rule. Posting an existing VIP, port and protocol with the same sel, mode and name replaces its endpoints; different ones answer 409.",
                "properties": {
                  "serviceArguments": {
                    "$ref": "#/components/schemas/ServiceArguments"
                  },
                  "endpoints": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 1024,
                    "items": {
                      "$ref": "#/components/schemas/LBEndpoint"
                    },
                    "description": "1 to 1024 endpoints (more is a 400), each address and port once."
                  },
                  "secondaryIPs": {
                    "type": "array",
                    "maxItems": 4,
                    "items": {
                      "$ref": "#/components/schemas/SecondaryIP"
                    },
                    "description": "Up to 4 further VIPs; none may be another rule's VIP and port (409).",
                    "nullable": true
                  },
                  "allowedSources": {
                    "type": "array",
                    "maxItems": 64,
                    "items": {
                      "$ref": "#/components/schemas/AllowedSource"
                    },
                    "description": "Up to 64 source prefixes; empty means every source.",
                    "nullable": true
                  }
                }
              },
              "LoadBalancerList": {
                "type": "object",
                "required": [
                  "lbAttr"
                ],
                "description": "The rules, sorted by VIP, port and protocol.",
                "properties": {
                  "lbAttr": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/LoadBalancerEntry"
                    }
                  }
                }
              },
              "ConntrackEntry": {
                "type": "object",
                "description": "One live connection.",
                "required": [
                  "destinationIP",
                  "sourceIP",
                  "destinationPort",
                  "sourcePort",
                  "protocol",
                  "conntrackState",
                  "ident",
                  "conntrackAct",
                  "packets",
                  "bytes",
                  "servName"
                ],
                "properties": {
                  "destinationIP": {
                    "type": "string",
                    "description": "The service address the client connected to."
                  },
                  "sourceIP": {
                    "type": "string",
                    "description": "The client's address."
                  },
                  "destinationPort": {
                    "type": "integer",
                    "description": "The service port."
                  },
                  "sourcePort": {
                    "type": "integer",
                    "description": "The client's port."
                  },
                  "protocol": {
                    "type": "string",
                    "description": "tcp, udp, sctp or icmp."
                  },
                  "conntrackState": {
                    "type": "string",
                    "description": "Connection state, e.g. \"est\"."
                  },
                  "ident": {
                    "type": "string",
                    "description": "loxilb's connection identifier."
                  },
                  "conntrackAct": {
                    "type": "string",
                    "description": "What the datapath does, e.g. \"dnat-10.0.1.1:8080\"."
                  },
                  "packets": {
                    "type": "integer",
                    "description": "Packets in both directions."
                  },
                  "bytes": {
                    "type": "integer",
                    "description": "Bytes in both directions."
                  },
                  "servName": {
                    "type": "string",
                    "description": "Name of the rule that owns the connection."
                  }
                }
              },
              "ConntrackList": {
                "type": "object",
                "required": [
                  "ctAttr"
                ],
                "description": "The live connections.",
                "properties": {
                  "ctAttr": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/ConntrackEntry"
                    }
                  }
                }
              },
              "EndPointEntry": {
                "type": "object",
                "required": [
                  "hostName"
                ],
                "description": "loxilb's `EndPoint`: makes a host monitored (or changes how), independently of any rule. An entry with the same name is replaced.",
                "properties": {
                  "hostName": {
                    "anyOf": [
                      {
                        "type": "string",
                        "format": "ipv4"
                      },
                      {
                        "type": "string",
                        "format": "ipv6"
                      }
                    ],
                    "description": "The host's IPv4 or IPv6 address (required)."
                  },
                  "name": {
                    "type": "string",
                    "maxLength": 1024,
                    "pattern": "^[^\\u0000-\\u001f\\u007f]*$",
                    "description": "The entry's name (its key); \"\" means \"<hostName>_<probeType>_<probePort>\". At most 1024 bytes, no control characters.",
                    "nullable": true
                  },
                  "inactiveReTries": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 100,
                    "description": "Failed probes in a row before the host is inactive; 0 means 2.",
                    "nullable": true
                  },
                  "probeType": {
                    "type": "string",
                    "enum": [
                      "",
                      "none",
                      "ping",
                      "tcp",
                      "udp",
                      "sctp",
                      "http",
                      "https",
                      "connect-tcp",
                      "connect-udp",
                      "connect-sctp",
                      "icmp",
                      null
                    ],
                    "description": "Case-insensitive; \"\" means ping.",
                    "nullable": true
                  },
                  "probeReq": {
                    "type": "string",
                    "maxLength": 1024,
                    "pattern": "^[^\\u0000-\\u001f\\u007f]*$",
                    "description": "HTTP(S): the request path; UDP: the payload. At most 1024 bytes, no control characters.",
                    "nullable": true
                  },
                  "probeResp": {
                    "type": "string",
                    "maxLength": 1024,
                    "pattern": "^[^\\u0000-\\u001f\\u007f]*$",
                    "description": "Text the answer must contain. At most 1024 bytes, no control characters.",
                    "nullable": true
                  },
                  "probeDuration": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 86400,
                    "description": "Seconds between probes; 0 means 60.",
                    "nullable": true
                  },
                  "probePort": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 65535,
                    "description": "The port probed: required (1...65535) for tcp, udp and sctp; 0 means 80 for http and 443 for https; ignored for ping and none.",
                    "nullable": true
                  }
                }
              },
              "EndPointGetEntry": {
                "type": "object",
                "description": "A monitored host with its probe settings, state and measured delays.",
                "required": [
                  "hostName",
                  "name",
                  "description",
                  "inactiveReTries",
                  "probeType",
                  "probeReq",
                  "probeResp",
                  "probeDuration",
                  "probePort",
                  "minDelay",
                  "avgDelay",
                  "maxDelay",
                  "currState"
                ],
                "properties": {
                  "hostName": {
                    "type": "string",
                    "description": "The host's address."
                  },
                  "name": {
                    "type": "string",
                    "description": "The entry's key."
                  },
                  "description": {
                    "type": "string",
                    "description": "\"\" for entries made through the API; the rules using it otherwise."
                  },
                  "inactiveReTries": {
                    "type": "integer"
                  },
                  "probeType": {
                    "type": "string",
                    "description": "The probe type (\"none\" when not probed)."
                  },
                  "probeReq": {
                    "type": "string"
                  },
                  "probeResp": {
                    "type": "string"
                  },
                  "probeDuration": {
                    "type": "integer"
                  },
                  "probePort": {
                    "type": "integer"
                  },
                  "minDelay": {
                    "type": "string",
                    "description": "Shortest successful probe (\"0s\" before the first)."
                  },
                  "avgDelay": {
                    "type": "string",
                    "description": "Mean successful probe."
                  },
                  "maxDelay": {
                    "type": "string",
                    "description": "Longest successful probe."
                  },
                  "currState": {
                    "type": "string",
                    "enum": [
                      "ok",
                      "nok"
                    ]
                  }
                }
              },
              "EndPointList": {
                "type": "object",
                "required": [
                  "Attr"
                ],
                "description": "The monitored hosts, sorted by host then name.",
                "properties": {
                  "Attr": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/EndPointGetEntry"
                    }
                  }
                }
              },
              "EndPointHostState": {
                "type": "object",
                "required": [
                  "hostName",
                  "state"
                ],
                "description": "loxilb's `EndPointHostState`: an outside controller marks a host up or down, optionally for one port and protocol.",
                "properties": {
                  "hostName": {
                    "anyOf": [
                      {
                        "type": "string",
                        "format": "ipv4"
                      },
                      {
                        "type": "string",
                        "format": "ipv6"
                      }
                    ],
                    "description": "The host's IPv4 or IPv6 address (required)."
                  },
                  "epPort": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 65535,
                    "description": "The endpoint port the state applies to; 0 means every port.",
                    "nullable": true
                  },
                  "epProto": {
                    "type": "string",
                    "enum": [
                      "",
                      "tcp",
                      "udp",
                      "sctp",
                      "icmp",
                      "http",
                      "https",
                      null
                    ],
                    "description": "The protocol the state applies to (case-insensitive; http and https mean tcp); \"\" means every protocol.",
                    "nullable": true
                  },
                  "state": {
                    "type": "string",
                    "enum": [
                      "green",
                      "yellow",
                      "red"
                    ],
                    "description": "green (up), yellow (degraded, still selected) or red (down); case-insensitive."
                  }
                }
              },
              "BGPGlobalConfig": {
                "type": "object",
                "required": [
                  "localAs",
                  "routerId"
                ],
                "description": "loxilb's `BGPGlobalConfig`: the local speaker's identity.",
                "properties": {
                  "localAs": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 4294967295,
                    "description": "The local An AS number, 1 to 4294967295 (4-octet ASNs included)."
                  },
                  "routerId": {
                    "type": "string",
                    "format": "ipv4",
                    "not": {
                      "pattern": "^(0\\.0\\.0\\.0|2(2[4-9]|3[0-9])\\..*|255\\.255\\.255\\.255)$"
                    },
                    "description": "The router ID: a unicast IPv4 address (also on IPv6-only hosts); not 0.0.0.0, broadcast or multicast."
                  },
                  "listenPort": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 65535,
                    "description": "The TCP port the speaker listens on; 0 means 179.",
                    "nullable": true
                  },
                  "setNextHopSelf": {
                    "type": "boolean",
                    "description": "Advertise this speaker as the next hop.",
                    "nullable": true
                  }
                }
              },
              "BGPNeighbor": {
                "type": "object",
                "required": [
                  "ipAddress",
                  "remoteAs"
                ],
                "description": "loxilb's `BGPNeigh`: one peer. Posting an existing peer with other settings is a 409.",
                "properties": {
                  "ipAddress": {
                    "description": "The peer's unicast IPv4 or IPv6 address (loopback allowed; not IPv6 link-local).",
                    "anyOf": [
                      {
                        "type": "string",
                        "format": "ipv4",
                        "not": {
                          "pattern": "^(0\\.0\\.0\\.0|2(2[4-9]|3[0-9])\\..*|255\\.255\\.255\\.255)$"
                        }
                      },
                      {
                        "type": "string",
                        "format": "ipv6",
                        "not": {
                          "pattern": "^(::|[fF][fF].*|[fF][eE][89aAbB].*)$"
                        }
                      }
                    ]
                  },
                  "remoteAs": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 4294967295,
                    "description": "The peer's An AS number, 1 to 4294967295 (4-octet ASNs included)."
                  },
                  "remotePort": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 65535,
                    "description": "The peer's BGP port; 0 means 179.",
                    "nullable": true
                  },
                  "setMultiHop": {
                    "type": "boolean",
                    "description": "Allow the peer to be more than one hop away.",
                    "nullable": true
                  }
                }
              },
              "BGPNeighborEntry": {
                "type": "object",
                "required": [
                  "ipAddress",
                  "remoteAs",
                  "state",
                  "updowntime"
                ],
                "description": "loxilb's `BGPNeighGetEntry`: a neighbor and its session.",
                "properties": {
                  "ipAddress": {
                    "type": "string"
                  },
                  "remoteAs": {
                    "type": "integer"
                  },
                  "state": {
                    "type": "string",
                    "description": "The session state as gobgp names it in lower case (idle, connect, active, opensent, openconfirm, established), or why it is unknown (gobgpd-down, not-configured)."
                  },
                  "updowntime": {
                    "type": "string",
                    "description": "How long it has been in that state; \"\" when unknown."
                  }
                }
              },
              "BFDSession": {
                "type": "object",
                "required": [
                  "remoteIp"
                ],
                "description": "loxilb's `BfdEntry`: a BFD session with another instance.",
                "properties": {
                  "instance": {
                    "type": "string",
                    "description": "The cluster instance; \"\" (or null) means \"default\".",
                    "nullable": true
                  },
                  "remoteIp": {
                    "type": "string",
                    "format": "ipv4",
                    "description": "The peer instance's address."
                  },
                  "sourceIp": {
                    "description": "This instance's address toward the peer (recorded and listed); \"\" (or null) lets routing choose.",
                    "nullable": true,
                    "anyOf": [
                      {
                        "type": "string",
                        "format": "ipv4"
                      },
                      {
                        "type": "string",
                        "maxLength": 0
                      }
                    ]
                  },
                  "interval": {
                    "description": "Transmit interval once Up, in µs; 0 (or null) means 200000.",
                    "nullable": true,
                    "anyOf": [
                      {
                        "type": "integer",
                        "enum": [
                          0
                        ]
                      },
                      {
                        "type": "integer",
                        "minimum": 50000,
                        "maximum": 60000000
                      }
                    ]
                  },
                  "retryCount": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 255,
                    "description": "Missed intervals before the session goes down; 0 (or null) means 3.",
                    "nullable": true
                  }
                }
              },
              "HAInstanceRequest": {
                "type": "object",
                "required": [
                  "state"
                ],
                "description": "loxilb's `CIStatusEntry` as posted: the role asked for and the instance's floating address.",
                "properties": {
                  "instance": {
                    "type": "string",
                    "nullable": true,
                    "pattern": "^[A-Za-z0-9._-]{0,63}$",
                    "description": "The instance; \"\" (or null) means llb-inst0. Rules join an instance by the name suffix `:<instance>`."
                  },
                  "state": {
                    "type": "string",
                    "enum": [
                      "MASTER",
                      "BACKUP"
                    ]
                  },
                  "vip": {
                    "description": "The instance's floating address, held by the MASTER besides its rules' VIPs; \"\", null or 0.0.0.0 for none.",
                    "nullable": true,
                    "anyOf": [
                      {
                        "type": "string",
                        "format": "ipv4"
                      },
                      {
                        "type": "string",
                        "format": "ipv6"
                      },
                      {
                        "type": "string",
                        "maxLength": 0
                      }
                    ]
                  }
                }
              },
              "HAInstanceState": {
                "type": "object",
                "description": "loxilb's `CIStatusEntry`: an instance and the role it holds now.",
                "properties": {
                  "instance": {
                    "type": "string"
                  },
                  "state": {
                    "type": "string",
                    "enum": [
                      "MASTER",
                      "BACKUP",
                      "NOT_DEFINED"
                    ]
                  },
                  "vip": {
                    "type": "string",
                    "description": "The floating address, 0.0.0.0 for none."
                  }
                }
              },
              "HAInstanceList": {
                "type": "object",
                "required": [
                  "Attr"
                ],
                "description": "The instances, sorted by name.",
                "properties": {
                  "Attr": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/HAInstanceState"
                    }
                  }
                }
              },
              "BFDSessionEntry": {
                "type": "object",
                "description": "loxilb's `BfdGetEntry`: a session and its state.",
                "properties": {
                  "instance": {
                    "type": "string"
                  },
                  "interval": {
                    "type": "integer"
                  },
                  "port": {
                    "type": "integer",
                    "description": "The peer's BFD port (3784)."
                  },
                  "remoteIp": {
                    "type": "string"
                  },
                  "retryCount": {
                    "type": "integer"
                  },
                  "sourceIP": {
                    "type": "string"
                  },
                  "state": {
                    "type": "string",
                    "enum": [
                      "BFDAdminDown",
                      "BFDDown",
                      "BFDInit",
                      "BFDUp"
                    ]
                  }
                }
              },
              "FirewallEntry": {
                "type": "object",
                "properties": {
                  "ruleArguments": {
                    "type": "object",
                    "nullable": true,
                    "description": "Missing or null: every field zero, a rule matching every packet.",
                    "properties": {
                      "sourceIP": {
                        "type": "string",
                        "nullable": true,
                        "description": "CIDR; empty = any of the other prefix's family."
                      },
                      "destinationIP": {
                        "type": "string",
                        "nullable": true
                      },
                      "minSourcePort": {
                        "type": "integer",
                        "nullable": true
                      },
                      "maxSourcePort": {
                        "type": "integer",
                        "nullable": true
                      },
                      "minDestinationPort": {
                        "type": "integer",
                        "nullable": true
                      },
                      "maxDestinationPort": {
                        "type": "integer",
                        "nullable": true
                      },
                      "protocol": {
                        "type": "integer",
                        "nullable": true
                      },
                      "portName": {
                        "type": "string",
                        "nullable": true
                      },
                      "preference": {
                        "type": "integer",
                        "nullable": true,
                        "description": "0...65535; the highest matching preference wins."
                      }
                    }
                  },
                  "opts": {
                    "type": "object",
                    "nullable": true,
                    "properties": {
                      "allow": {
                        "type": "boolean",
                        "nullable": true
                      },
                      "drop": {
                        "type": "boolean",
                        "nullable": true
                      },
                      "trap": {
                        "type": "boolean",
                        "nullable": true
                      },
                      "fwMark": {
                        "type": "integer",
                        "nullable": true
                      },
                      "counter": {
                        "type": "string",
                        "description": "packets:bytes, in answers."
                      }
                    }
                  }
                }
              },
              "FirewallList": {
                "type": "object",
                "properties": {
                  "fwAttr": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/FirewallEntry"
                    }
                  }
                }
              },
              "SessionEntry": {
                "type": "object",
                "properties": {
                  "ident": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 128,
                    "description": "The user's name."
                  },
                  "sessionIP": {
                    "type": "string",
                    "description": "The UE's IPv4 address."
                  },
                  "accessNetworkTunnel": {
                    "type": "object",
                    "properties": {
                      "TeID": {
                        "type": "integer",
                        "format": "int64",
                        "minimum": 1,
                        "maximum": 4294967295,
                        "description": "TEID."
                      },
                      "tunnelIP": {
                        "type": "string",
                        "description": "IPv4 address of the tunnel end."
                      }
                    }
                  },
                  "coreNetworkTunnel": {
                    "type": "object",
                    "properties": {
                      "teID": {
                        "type": "integer",
                        "format": "int64",
                        "minimum": 1,
                        "maximum": 4294967295,
                        "description": "TEID."
                      },
                      "tunnelIP": {
                        "type": "string",
                        "description": "IPv4 address of the tunnel end."
                      }
                    }
                  },
                  "uplinkCounter": {
                    "type": "string",
                    "description": "packets:bytes, in answers."
                  },
                  "downlinkCounter": {
                    "type": "string",
                    "description": "packets:bytes, in answers."
                  }
                }
              },
              "SessionList": {
                "type": "object",
                "properties": {
                  "sessionAttr": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/SessionEntry"
                    }
                  }
                }
              },
              "SessionUlClEntry": {
                "type": "object",
                "properties": {
                  "ulclIdent": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 128,
                    "description": "The session's user name."
                  },
                  "ulclArgument": {
                    "type": "object",
                    "properties": {
                      "qfi": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 63,
                        "nullable": true
                      },
                      "ulclIP": {
                        "type": "string",
                        "description": "The breakout IPv4 address."
                      }
                    }
                  }
                }
              },
              "SessionUlClList": {
                "type": "object",
                "properties": {
                  "ulclAttr": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/SessionUlClEntry"
                    }
                  }
                }
              },
              "BFDSessionList": {
                "type": "object",
                "required": [
                  "Attr"
                ],
                "description": "The sessions, sorted by peer address.",
                "properties": {
                  "Attr": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/BFDSessionEntry"
                    }
                  }
                }
              },
              "BGPNeighborList": {
                "type": "object",
                "required": [
                  "bgpNeiAttr"
                ],
                "description": "The neighbors, sorted by address.",
                "properties": {
                  "bgpNeiAttr": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/BGPNeighborEntry"
                    }
                  }
                }
              },
              "LoginRequest": {
                "type": "object",
                "required": [
                  "username",
                  "password"
                ],
                "description": "loxilb's login (what `loxicmd set login` sends): a token's name and its secret.",
                "properties": {
                  "username": {
                    "type": "string",
                    "description": "The token's name in the token file."
                  },
                  "password": {
                    "type": "string",
                    "description": "The token's secret."
                  }
                }
              },
              "LoginAnswer": {
                "type": "object",
                "required": [
                  "token"
                ],
                "description": "The token to send on every request (\"\" when the API runs without tokens).",
                "properties": {
                  "token": {
                    "type": "string"
                  }
                }
              },
              "ConfigExport": {
                "type": "object",
                "required": [
                  "loadbalancer"
                ],
                "description": "loxilb's configuration file. An import reads `loadbalancer` only (whole rules: `oper` 0); an export also writes `endpoint` and the empty lists of what SwiftLB does not have.",
                "properties": {
                  "timestamp": {
                    "type": "string",
                    "nullable": true,
                    "description": "When it was exported (ISO 8601)."
                  },
                  "version": {
                    "type": "string",
                    "nullable": true,
                    "description": "The exporting daemon's version."
                  },
                  "loadbalancer": {
                    "type": "array",
                    "nullable": true,
                    "items": {
                      "$ref": "#/components/schemas/LoadBalancerEntry"
                    },
                    "description": "Every rule; an import replaces the rules with these, all or nothing. Each VIP, port and protocol at most once. An empty list (or `null`) deletes every rule; a file without the key is refused (400), so an empty or cut upload cannot."
                  },
                  "endpoint": {
                    "type": "array",
                    "nullable": true,
                    "items": {
                      "type": "object",
                      "nullable": true
                    },
                    "description": "The monitored hosts, as `EndPointEntry` objects; an import reads only their JSON types and ignores them."
                  },
                  "cluster": {
                    "description": "Written as an empty list; ignored on import, whatever it holds."
                  },
                  "firewall": {
                    "description": "The firewall rules (FirewallEntry, counters cleared); ignored on import, whatever it holds (apply them with POST /config/firewall)."
                  },
                  "mirror": {
                    "description": "Written as an empty list; ignored on import, whatever it holds."
                  },
                  "policy": {
                    "description": "Written as an empty list; ignored on import, whatever it holds."
                  }
                }
              },
              "PolicyEntry": {
                "type": "object",
                "required": [
                  "policyIdent",
                  "targetObject"
                ],
                "properties": {
                  "policyIdent": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 128,
                    "pattern": "^[!-.0-~]+$"
                  },
                  "policyInfo": {
                    "type": "object",
                    "properties": {
                      "type": {
                        "type": "integer",
                        "enum": [
                          0,
                          1
                        ],
                        "nullable": true
                      },
                      "colorAware": {
                        "type": "boolean",
                        "nullable": true
                      },
                      "committedInfoRate": {
                        "type": "integer",
                        "minimum": 8,
                        "maximum": 100000
                      },
                      "peakInfoRate": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 100000,
                        "nullable": true
                      },
                      "committedBlkSize": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 1073741824,
                        "nullable": true
                      },
                      "excessBlkSize": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 1073741824,
                        "nullable": true
                      }
                    }
                  },
                  "targetObject": {
                    "type": "object",
                    "properties": {
                      "polObjName": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": 256
                      },
                      "attachment": {
                        "type": "integer",
                        "enum": [
                          1,
                          2
                        ]
                      }
                    }
                  },
                  "policyStats": {
                    "type": "object",
                    "readOnly": true,
                    "properties": {
                      "greenPackets": {
                        "type": "integer",
                        "format": "int64"
                      },
                      "greenBytes": {
                        "type": "integer",
                        "format": "int64"
                      },
                      "yellowPackets": {
                        "type": "integer",
                        "format": "int64"
                      },
                      "yellowBytes": {
                        "type": "integer",
                        "format": "int64"
                      },
                      "redPackets": {
                        "type": "integer",
                        "format": "int64"
                      },
                      "redBytes": {
                        "type": "integer",
                        "format": "int64"
                      }
                    }
                  }
                }
              },
              "PolicyList": {
                "type": "object",
                "properties": {
                  "polAttr": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/PolicyEntry"
                    }
                  }
                }
              },
              "MirrorEntry": {
                "type": "object",
                "required": [
                  "mirrorIdent",
                  "targetObject"
                ],
                "properties": {
                  "mirrorIdent": {
                    "type": "string",
                    "description": "The mirror's name: 1 to 63 letters, digits, '.', '_' or '-'."
                  },
                  "mirrorInfo": {
                    "type": "object",
                    "properties": {
                      "type": {
                        "type": "integer",
                        "enum": [
                          0,
                          1,
                          2
                        ],
                        "description": "0 SPAN, 1 RSPAN, 2 ERSPAN."
                      },
                      "port": {
                        "type": "string",
                        "description": "SPAN, RSPAN: the interface copies leave by."
                      },
                      "vlan": {
                        "type": "integer",
                        "description": "RSPAN: the copies' VLAN id (1-4094)."
                      },
                      "remoteIP": {
                        "type": "string",
                        "description": "ERSPAN: the collector's IPv4 address."
                      },
                      "sourceIP": {
                        "type": "string",
                        "description": "ERSPAN: the tunnel's local IPv4 address."
                      },
                      "tunnelID": {
                        "type": "integer",
                        "description": "ERSPAN: the session id (1-1023)."
                      }
                    }
                  },
                  "targetObject": {
                    "type": "object",
                    "properties": {
                      "attachment": {
                        "type": "integer",
                        "enum": [
                          1,
                          2
                        ],
                        "description": "1 a port (every packet entering it), 2 an LB rule (its IPv4 flows, both directions)."
                      },
                      "mirrObjName": {
                        "type": "string",
                        "description": "The port's name, or the rule's name or vip:port/proto."
                      }
                    }
                  },
                  "sync": {
                    "type": "integer",
                    "readOnly": true,
                    "description": "0 installed, 1 waiting for its port, rule or tunnel."
                  },
                  "counter": {
                    "type": "string",
                    "readOnly": true,
                    "description": "packets:bytes of the copies sent."
                  },
                  "failures": {
                    "type": "integer",
                    "readOnly": true,
                    "description": "Copies the kernel refused."
                  }
                }
              },
              "MirrorList": {
                "type": "object",
                "properties": {
                  "mirrAttr": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/MirrorEntry"
                    }
                  }
                }
              }
            }
          }
        }
        """#

    /// `GET /netlox/v1/openapi.json`: the document, as `application/json`.
    static let serve: Handler = { _, _ in
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
    }
}
