"""Packs a root file system as a one-layer image in `docker save` format (what Jib's tar:// base reads).

Deterministic: entries sorted, owned by root (the user's home by 185), mtime 1 s after the epoch.
Usage: docker_save.py ROOTFS OUT.tar
"""
import hashlib
import io
import json
import os
import stat
import sys
import tarfile

USER = 185  # the image's non-root user (base.sh writes it into /etc/passwd)
MTIME = 1


def layer(rootfs, out):
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
        entries = []
        for dirpath, dirnames, filenames in os.walk(rootfs):
            dirnames.sort()
            for name in dirnames + filenames:
                entries.append(os.path.join(dirpath, name))
        for path in sorted(entries):
            rel = os.path.relpath(path, rootfs)
            st = os.lstat(path)
            info = tarfile.TarInfo(rel)
            info.mtime = MTIME
            info.uid = info.gid = USER if rel.startswith("home/interlock") else 0
            info.uname = info.gname = ""
            info.mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                info.type, info.linkname = tarfile.SYMTYPE, os.readlink(path)
                tar.addfile(info)
            elif stat.S_ISDIR(st.st_mode):
                info.type = tarfile.DIRTYPE
                info.mode = 0o1777 if rel == "tmp" else info.mode
                tar.addfile(info)
            else:
                info.size = st.st_size
                with open(path, "rb") as f:
                    tar.addfile(info, f)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def main(rootfs, out):
    layer_path = out + ".layer"
    layer(rootfs, layer_path)
    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "User": str(USER),
            "Env": ["PATH=/opt/java/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8"],
            "WorkingDir": "/home/interlock",
        },
        "rootfs": {"type": "layers", "diff_ids": [sha256(layer_path)]},
        "history": [{"created_by": "image/base.sh (jlinked Java 17, its shared libraries, user 185)"}],
    }
    config_bytes = json.dumps(config, sort_keys=True).encode()
    manifest = [{"Config": "config.json", "RepoTags": ["interlock/base:17"], "Layers": ["layer.tar"]}]
    with tarfile.open(out, "w") as tar:
        for name, data in (("config.json", config_bytes), ("manifest.json", json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), MTIME
            tar.addfile(info, io.BytesIO(data))
        tar.add(layer_path, "layer.tar", filter=lambda i: setattr(i, "mtime", MTIME) or i)
    os.remove(layer_path)


if __name__ == "__main__":
    main(*sys.argv[1:3])
