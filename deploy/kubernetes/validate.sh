#!/usr/bin/env bash
# Validates the manifests offline against the Kubernetes API schemas (the
# PyPI package kubernetes-validate, in a virtualenv under target/), for
# Kubernetes 1.25 (the oldest schemas it ships; Indexed Jobs are stable
# since 1.24) and the newest it knows.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/target/kubernetes-validate"
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet kubernetes-validate
fi
"$venv/bin/kubernetes-validate" --strict --kubernetes-version 1.25.0 "$root"/deploy/kubernetes/*.yaml
"$venv/bin/kubernetes-validate" --strict "$root"/deploy/kubernetes/*.yaml
