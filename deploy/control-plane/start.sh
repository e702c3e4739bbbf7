#!/usr/bin/env bash
# TEST INFRASTRUCTURE ONLY: starts a real control plane on 127.0.0.1 (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kwok with two fake nodes) from the binaries build.sh cached.
# Usage: start.sh [DIR] [--watch PID]
#   DIR      state directory (default: a new one under ${TMPDIR:-/tmp}); holds certs, kubeconfigs, logs, pids
#   --watch  stop everything when process PID exits (a test JVM), so nothing outlives its tests
# Prints DIR; DIR/admin.kubeconfig is a system:masters kubeconfig, DIR/env has API_SERVER, CA, AUDIT_LOG.
# Stop with stop.sh DIR.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/versions.sh"
bin="$CP_CACHE/bin"
watch=""; dir=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --watch) watch="$2"; shift 2 ;;
    *) dir="$1"; shift ;;
  esac
done
for b in etcd kube-apiserver kube-controller-manager kube-scheduler kwok; do
  [[ -x $bin/$b ]] || { echo "start.sh: $bin/$b is missing; run deploy/control-plane/build.sh first (needs Go >= 1.26)" >&2; exit 1; }
done
for t in openssl curl python3; do
  command -v $t >/dev/null || { echo "start.sh: '$t' is needed; install it (Debian: apt-get install $t)" >&2; exit 1; }
done
[[ -n $dir ]] || dir="$(mktemp -d "${TMPDIR:-/tmp}/interlock-control-plane.XXXXXX")"
mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"; cd "$dir"
log() { echo "start.sh: $*" >&2; }
fail() { log "$1; last lines of $2:"; tail -n 30 "$dir/$2" >&2 || true; "$here/stop.sh" "$dir" >/dev/null 2>&1 || true; exit 1; }

read -r etcd_port etcd_peer api_port kwok_port < <(python3 -c '
import socket
ss=[socket.socket() for _ in range(4)]
[s.bind(("127.0.0.1",0)) for s in ss]
print(*[s.getsockname()[1] for s in ss])')

# Certificates: one CA; the API server's serving cert for 127.0.0.1; an admin client cert (system:masters)
# used by the test harness and the other components; the ServiceAccount token signing key.
ossl() { openssl "$@" 2>/dev/null; }
ossl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=interlock-test-ca" -keyout ca.key -out ca.crt
cert() { # name subject [san]
  ossl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$1.key" -out "$1.csr"
  if [[ -n ${3:-} ]]; then printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$3" > "$1.ext"
  else printf 'extendedKeyUsage=clientAuth\n' > "$1.ext"; fi
  ossl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile "$1.ext" -out "$1.crt"
}
cert apiserver "/CN=kube-apiserver" "IP:127.0.0.1,DNS:localhost"
cert admin "/O=system:masters/CN=interlock-test-admin"
ossl genrsa -out sa.key 2048; ossl rsa -in sa.key -pubout -out sa.pub
# Components get their real-world user names (system:kube-controller-manager, ...) so policies that
# exempt the cluster's own controllers (deploy/admission) see them as they would on a real cluster.
for c in kube-controller-manager kube-scheduler kwok; do cert "$c" "/O=system:masters/CN=system:$c"; done
api="https://127.0.0.1:$api_port"
kubeconfig() { # file cert
  cat > "$1" <<KC
apiVersion: v1
kind: Config
clusters:
- name: interlock-test
  cluster: {server: "$api", certificate-authority: "$dir/ca.crt"}
users:
- name: $2
  user: {client-certificate: "$dir/$2.crt", client-key: "$dir/$2.key"}
contexts:
- name: $2
  context: {cluster: interlock-test, user: $2}
current-context: $2
KC
}
for c in admin kube-controller-manager kube-scheduler kwok; do kubeconfig "$c.kubeconfig" "$c"; done
: > pids
start() { # name cmd...
  local name=$1; shift
  setsid "$@" > "$dir/$name.log" 2>&1 < /dev/null &
  echo "$! $name" >> "$dir/pids"
}
if [[ -n $watch ]]; then
  setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; "$2" "$3"' _ "$watch" "$here/stop.sh" "$dir" > /dev/null 2>&1 < /dev/null &
  echo "$! watch" >> pids
fi

start etcd "$bin/etcd" --name default --data-dir "$dir/etcd" --unsafe-no-fsync \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-cluster "default=http://127.0.0.1:$etcd_peer" --listen-metrics-urls "" --log-level warn
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$etcd_port/health" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$etcd_port/health" >/dev/null || fail "etcd did not become healthy" etcd.log

start kube-apiserver "$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
  --tls-cert-file apiserver.crt --tls-private-key-file apiserver.key --client-ca-file ca.crt \
  --service-account-issuer https://kubernetes.default.svc --service-account-key-file sa.pub \
  --service-account-signing-key-file sa.key --service-cluster-ip-range 10.96.0.0/16 \
  --authorization-mode RBAC --endpoint-reconciler-type none \
  --audit-policy-file "$here/audit-policy.yaml" --audit-log-path "$dir/audit.log" --audit-log-mode blocking
for _ in $(seq 1 300); do
  curl -sf --cacert ca.crt --cert admin.crt --key admin.key "$api/readyz" >/dev/null && break; sleep 0.2
done
curl -sf --cacert ca.crt --cert admin.crt --key admin.key "$api/readyz" >/dev/null || fail "kube-apiserver is not ready" kube-apiserver.log

start kube-controller-manager "$bin/kube-controller-manager" --kubeconfig kube-controller-manager.kubeconfig --leader-elect=false \
  --secure-port 0 --service-account-private-key-file sa.key --root-ca-file ca.crt --controllers '*'
start kube-scheduler "$bin/kube-scheduler" --kubeconfig kube-scheduler.kubeconfig --leader-elect=false --secure-port 0
kwok_mod="$CP_CACHE/go-mod/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage"
# Nodes also need heartbeats (a node lease kwok renews): without them kube-controller-manager marks
# the fake nodes NotReady after its grace period and every pod on them not ready.
{ cat "$kwok_mod/node/fast/node-initialize.yaml"; echo "---"; cat "$kwok_mod/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml"
  echo "---"; cat "$kwok_mod/pod/fast/pod-delete.yaml"; echo "---"; cat "$here/pod-stages.yaml"; } > kwok-stages.yaml
start kwok "$bin/kwok" --kubeconfig kwok.kubeconfig --config kwok-stages.yaml --manage-all-nodes=false \
  --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake --server-address "127.0.0.1:$kwok_port" \
  --cidr 10.244.0.0/16 --node-ip 127.0.0.1 --node-lease-duration-seconds 40

kc=(env KUBECONFIG="$dir/admin.kubeconfig")
if command -v kubectl >/dev/null; then k() { "${kc[@]}" kubectl "$@"; }; else
  fail "kubectl is needed to seed the fake nodes (Debian: apt-get install kubernetes-client)" kube-apiserver.log; fi
for n in 0 1; do
  cat <<NODE
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$n
  annotations: {kwok.x-k8s.io/node: fake}
  labels: {kubernetes.io/hostname: kwok-node-$n, type: kwok}
NODE
  echo "---"
done | k apply -f - > kwok-nodes.log 2>&1 || fail "creating the fake nodes failed" kwok-nodes.log
# Ready when nodes are Ready (kwok) and the default ServiceAccount exists (kube-controller-manager).
for _ in $(seq 1 300); do
  [[ "$(k get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{end}' 2>/dev/null)" == TrueTrue ]] \
    && k get serviceaccount default -n default >/dev/null 2>&1 && break
  sleep 0.2
done
k get serviceaccount default -n default >/dev/null 2>&1 || fail "kube-controller-manager did not create the default ServiceAccount" kube-controller-manager.log
[[ "$(k get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{end}')" == TrueTrue ]] || fail "kwok did not make the nodes Ready" kwok.log
printf 'API_SERVER=%s\nCA=%s\nADMIN_KUBECONFIG=%s\nAUDIT_LOG=%s\n' "$api" "$dir/ca.crt" "$dir/admin.kubeconfig" "$dir/audit.log" > env
echo "$dir"
