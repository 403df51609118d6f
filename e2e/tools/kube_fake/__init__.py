"""A fake Kubernetes API server for tests; see e2e/tools/kube_apiserver.py."""
