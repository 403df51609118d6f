#!/usr/bin/python3
"""An echo server that reports how its connections end, for e2e/idle_reset: the server side of
an idle-reset connection must see the reset too, not only the client.

    reset_watch.py --port P

Prints (flushed) "accepted <addr>:<port>" per connection, then on its end one of
"reset t=<unix time>" (ECONNRESET), "eof t=<unix time>" or "error <text>". Every accept and read
waits at most 1 s at a time; the process runs until killed.
"""
import argparse
import socket
import threading
import time


def serve(conn, peer):
    print("accepted %s:%d" % peer, flush=True)
    conn.settimeout(1.0)
    while True:
        try:
            data = conn.recv(4096)
        except socket.timeout:
            continue
        except ConnectionResetError:
            print("reset t=%.3f" % time.time(), flush=True)
            return
        except OSError as error:
            print("error %s" % error, flush=True)
            return
        if not data:
            print("eof t=%.3f" % time.time(), flush=True)
            return
        conn.sendall(data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", args.port))
    listener.listen(16)
    listener.settimeout(1.0)
    while True:
        try:
            conn, peer = listener.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(conn, peer), daemon=True).start()


if __name__ == "__main__":
    main()
