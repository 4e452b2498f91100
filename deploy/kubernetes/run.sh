#!/usr/bin/env bash
# Runs a scenario as 8 shards on the current kubectl context, then merges:
#   deploy/kubernetes/run.sh scenarios/multi-az-web.toml
# Needs the image nines:0.1.0 where the cluster can pull it (see
# deploy/Dockerfile) and a ReadWriteMany storage class by default.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
scenario="${1:?usage: run.sh SCENARIO.toml}"
kubectl create configmap nines-scenario --from-file=scenario.toml="$scenario" --dry-run=client -o yaml | kubectl apply -f -
kubectl apply -f "$here/volume.yaml"
kubectl delete job nines-shards nines-merge --ignore-not-found
kubectl apply -f "$here/shards.yaml"
kubectl wait --for=condition=complete job/nines-shards --timeout=24h
kubectl apply -f "$here/merge.yaml"
kubectl wait --for=condition=complete job/nines-merge --timeout=1h
kubectl logs job/nines-merge
