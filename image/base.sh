#!/usr/bin/env bash
# The worker image's base, assembled here because no container registry is reachable: a jlinked Java 17
# runtime from the local JDK (jmods), the shared libraries it loads (found by ldd), a passwd naming the
# non-root user 185, /tmp. No shell, no package manager. Written as a `docker save` tarball, the local
# base format Jib 3.5 reads (`tar://`; Jib cannot take an OCI layout as base, jib#2173).
# Usage: base.sh OUT.tar      (cached by JDK build and this script under ${INTERLOCK_CACHE:-~/.cache/interlock}/image)
set -euo pipefail
out="${1:?usage: base.sh OUT.tar}"
here="$(cd "$(dirname "$0")" && pwd)"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
jdk_release="$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$java_home/release")"
[[ $jdk_release == 17* ]] || { echo "base.sh: the image runs Java 17; JAVA_HOME=$java_home is $jdk_release: point JAVA_HOME at a JDK 17" >&2; exit 1; }
[[ -f $java_home/jmods/java.base.jmod ]] || { echo "base.sh: $java_home/jmods is missing; jlink needs it (Debian: apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
# Modules: what jdeps finds in worker/target/quarkus-app, plus jdk.crypto.ec (TLS with EC keys) and jdk.zipfs.
modules=java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,java.net.http,java.sql,jdk.crypto.ec,jdk.management,jdk.unsupported,jdk.zipfs
key="$( { cat "$here/base.sh"; "$java_home/bin/java" -XshowSettings:properties -version 2>&1 | grep -E 'java.(vm.)?version ='; uname -m; } | sha256sum | cut -c1-16)"
cache="${INTERLOCK_CACHE:-$HOME/.cache/interlock}/image"
cached="$cache/base-$key.tar"
if [[ ! -f $cached ]]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/interlock-base.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  root="$work/rootfs"
  mkdir -p "$root"/{etc,tmp,opt,home/interlock}
  "$java_home/bin/jlink" --module-path "$java_home/jmods" --add-modules "$modules" --output "$root/opt/java" \
    --strip-debug --no-man-pages --no-header-files --compress=2
  # java.desktop is there for java.beans only: its native GUI, font, sound and image code stays out (headless;
  # it would pull in X11, freetype, harfbuzz, glib, ALSA, libjpeg).
  rm -f "$root"/opt/java/lib/{libawt_xawt,libsplashscreen,libjawt,libfontmanager,libjsound,liblcms,libjavajpeg}.so
  # Debian's JDK links its CA store (/etc/ssl/certs/java/cacerts); the image gets the file itself.
  if [[ -L $java_home/lib/security/cacerts || ! -s $root/opt/java/lib/security/cacerts ]]; then
    cp -L "$java_home/lib/security/cacerts" "$root/opt/java/lib/security/cacerts"
  fi
  # Shared libraries, at the paths the loader resolves them to here (its default search path); the
  # runtime's own libraries find each other through their RPATH.
  find "$root/opt/java" -type f \( -name '*.so' -o -perm -u+x \) -print0 \
    | xargs -0 ldd 2>/dev/null | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}' | grep -v "^$root/" | sort -u \
    | while read -r lib; do mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; done
  printf 'root:x:0:0:root:/root:/sbin/nologin\ninterlock:x:185:185:interlock:/home/interlock:/sbin/nologin\n' > "$root/etc/passwd"
  printf 'root:x:0:\ninterlock:x:185:\n' > "$root/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
  mkdir -p "$cache"
  python3 "$here/docker_save.py" "$root" "$work/base.tar"
  mv "$work/base.tar" "$cached"
fi
mkdir -p "$(dirname "$out")"
cp "$cached" "$out"
echo "$out"
