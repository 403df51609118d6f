"""The daemon's admin token for Python test and bench tools.

SWIFTLB_TOKEN_FILE names the daemon's --api-token-file (NAME SCOPE SECRET lines); without it
the tools send no Authorization header (a daemon started with --api-no-auth-on-loopback).
"""
import os


def auth_headers():
    """{"Authorization": "Bearer <secret>"} for the file's first admin token, or {}."""
    path = os.environ.get("SWIFTLB_TOKEN_FILE")
    if not path:
        return {}
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) == 3 and fields[1] == "admin":
                return {"Authorization": "Bearer " + fields[2]}
    return {}
