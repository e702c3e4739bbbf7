# Test infrastructure only: the pinned versions of the real control plane the tests run against.
K8S_VERSION=v1.36.3      # k8s.io/kubernetes release; its go.mod says go 1.26.0
K8S_STAGING=v0.36.3      # the published k8s.io/* staging modules of that release
ETCD_VERSION=v3.6.8      # the etcd client version v1.36.3 itself requires
KWOK_VERSION=v0.8.0      # sigs.k8s.io/kwok: fake nodes and pod lifecycles
CP_CACHE="${INTERLOCK_CACHE:-$HOME/.cache/interlock}/control-plane/${K8S_VERSION}-etcd${ETCD_VERSION}-kwok${KWOK_VERSION}"
