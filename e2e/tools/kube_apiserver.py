#!/usr/bin/python3
"""A fake Kubernetes API server (Python stdlib only) for testing swiftlb-kube and for driving
with the real kubectl: namespaces, services (+status), endpoints, endpointslices, nodes (+status)
and events, with list/get/create/update/patch/delete/watch, selectors, resourceVersions, watch
bookmarks and 410 Expired, Service ClusterIP/NodePort allocation and defaulting.

    kube_apiserver.py --listen 127.0.0.1:0 --token SECRET [--tls-cert F --tls-key F]
                      [--history N] [--bookmark-seconds S] [--watch-queue N] [--port-file F]
                      [--kubeconfig-out F] [--verbose]

Prints "listening on HOST:PORT" once serving; exits 0 on SIGTERM or SIGINT. Test controls (token
required): POST /_fake/compact, POST /_fake/drop-watches, GET /_fake/stats. See e2e/README.md.
"""
import argparse
import json
import os
import signal
import ssl
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kube_fake.server import FakeApiServer  # noqa: E402


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", default="127.0.0.1:0", help="HOST:PORT (port 0 picks a free one)")
    parser.add_argument("--token", help="bearer token every request must carry")
    parser.add_argument("--tls-cert", help="PEM certificate: serve HTTPS")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--history", type=int, default=1000, help="events kept for watch resumption")
    parser.add_argument("--bookmark-seconds", type=float, default=5.0, help="period of BOOKMARK events")
    parser.add_argument("--watch-queue", type=int, default=1000,
                        help="events a watch may have pending before it is closed as too slow")
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    parser.add_argument("--port-file", help="write the bound port here")
    parser.add_argument("--kubeconfig-out", help="write a kubeconfig for this server here")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    host, _, port = args.listen.rpartition(":")
    if not host or not port.isdigit():
        parser.error("--listen wants HOST:PORT")
    args.host, args.port = host.strip("[]"), int(port)
    return args


def _quoted(text):
    return json.dumps(text)  # a JSON string is a valid double-quoted YAML scalar


def kubeconfig(url, token, ca_file):
    cluster = ["    server: %s" % _quoted(url)]
    if ca_file:
        cluster.append("    certificate-authority: %s" % _quoted(os.path.abspath(ca_file)))
    user = ["  user:", "    token: %s" % _quoted(token)] if token else ["  user: {}"]
    lines = ["apiVersion: v1", "kind: Config", "clusters:", "- name: swiftlb-fake", "  cluster:"] + cluster + [
        "contexts:", "- name: swiftlb-fake", "  context:", "    cluster: swiftlb-fake", "    user: swiftlb-fake",
        "    namespace: default", "current-context: swiftlb-fake", "preferences: {}", "users:",
        "- name: swiftlb-fake"] + user
    return "\n".join(lines) + "\n"


def write_file(path, text, mode=0o644):
    temporary = path + ".tmp"
    with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "w") as handle:
        handle.write(text)
    os.replace(temporary, path)  # readers polling for the file never see half of it


def main(argv):
    args = parse_args(argv)
    server = FakeApiServer((args.host, args.port), args.token, args.history, args.bookmark_seconds, args.watch_queue,
                          args.verbose)
    scheme = "http"
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        # handshakes happen in the per-connection threads, so a stalled client cannot block accept()
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        scheme = "https"
    host, port = server.server_address[:2]
    address = server.server_address_text
    if args.kubeconfig_out:
        write_file(args.kubeconfig_out, kubeconfig("%s://%s" % (scheme, address), args.token, args.tls_cert), 0o600)
    if args.port_file:
        write_file(args.port_file, "%d\n" % port)

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("listening on %s" % address, flush=True)
    server.serve_forever(poll_interval=0.2)
    server.store.close_all_watches("shutdown")
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
