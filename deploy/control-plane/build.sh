#!/usr/bin/env bash
# TEST INFRASTRUCTURE ONLY (the product stays Java): builds kube-apiserver, kube-controller-manager,
# etcd and kwok from source at pinned versions into a cache; a rerun with all binaries present is instant.
# Usage: deploy/control-plane/build.sh   -> prints the bin directory
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/versions.sh"
bin="$CP_CACHE/bin"
if [[ -x $bin/kube-apiserver && -x $bin/kube-controller-manager && -x $bin/kube-scheduler && -x $bin/etcd && -x $bin/kwok ]]; then
  echo "$bin"; exit 0
fi
command -v go >/dev/null || { echo "build.sh: Go >= 1.26 is needed to build the test control plane; install it (https://go.dev/dl) and rerun" >&2; exit 1; }
export GOCACHE="$CP_CACHE/go-build" GOMODCACHE="$CP_CACHE/go-mod" GOFLAGS="-mod=mod -trimpath -buildvcs=false"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
mkdir -p "$bin" "$CP_CACHE/src"
log() { echo "build.sh: $*" >&2; }

# kube-apiserver, kube-controller-manager and kube-scheduler (kwok nodes need pods bound): a module requiring k8s.io/kubernetes with every staging
# module (v0.0.0 => ./staging/... upstream) replaced by its published version.
kube="$CP_CACHE/src/kube"; mkdir -p "$kube"
if [[ ! -x $bin/kube-apiserver || ! -x $bin/kube-controller-manager || ! -x $bin/kube-scheduler ]]; then
  staging=(api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider cluster-bootstrap
    code-generator component-base component-helpers controller-manager cri-api cri-client cri-streaming csi-translation-lib
    dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator kube-controller-manager kube-proxy
    kube-scheduler kubectl kubelet metrics mount-utils pod-security-admission sample-apiserver sample-cli-plugin
    sample-controller streaming)
  {
    echo "module interlock.test/controlplane"; echo; echo "go 1.26.0"; echo
    echo "require k8s.io/kubernetes $K8S_VERSION"; echo; echo "replace ("
    for m in "${staging[@]}"; do echo "	k8s.io/$m => k8s.io/$m $K8S_STAGING"; done
    echo ")"
  } > "$kube/go.mod"
  log "resolving k8s.io/kubernetes $K8S_VERSION"
  (cd "$kube" && go get "k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION" "k8s.io/kubernetes/cmd/kube-controller-manager@$K8S_VERSION" "k8s.io/kubernetes/cmd/kube-scheduler@$K8S_VERSION")
  ver="k8s.io/component-base/version"
  ld="-s -w -X $ver.gitVersion=$K8S_VERSION -X $ver.gitMajor=1 -X $ver.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2) -X $ver.gitTreeState=clean"
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    [[ -x $bin/$c ]] && continue
    log "building $c"
    (cd "$kube" && go build -p 2 -ldflags "$ld" -o "$bin/$c.tmp" "k8s.io/kubernetes/cmd/$c") && mv "$bin/$c.tmp" "$bin/$c"
  done
fi

if [[ ! -x $bin/etcd ]]; then
  etcd="$CP_CACHE/src/etcd"; mkdir -p "$etcd"
  printf 'module interlock.test/etcd\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" > "$etcd/go.mod"
  log "building etcd $ETCD_VERSION"
  (cd "$etcd" && go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" && go build -p 2 -ldflags "-s -w" -o "$bin/etcd.tmp" go.etcd.io/etcd/server/v3) && mv "$bin/etcd.tmp" "$bin/etcd"
fi

if [[ ! -x $bin/kwok ]]; then
  kw="$CP_CACHE/src/kwok"; mkdir -p "$kw"
  printf 'module interlock.test/kwok\n\ngo 1.26.0\n\nrequire sigs.k8s.io/kwok %s\n' "$KWOK_VERSION" > "$kw/go.mod"
  log "building kwok $KWOK_VERSION"
  (cd "$kw" && go get "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" && go build -p 2 -ldflags "-s -w" -o "$bin/kwok.tmp" sigs.k8s.io/kwok/cmd/kwok) && mv "$bin/kwok.tmp" "$bin/kwok"
fi
echo "$bin"
