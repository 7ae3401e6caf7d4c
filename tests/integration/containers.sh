#!/bin/bash
# containers.sh - the daemon attributes exec events to real containers: Podman containers run
# with runc (name, image, type, tty of `podman exec -t`, --privileged, a /proc bind mount),
# a bundle run directly with `runc run` under a Kubernetes-shaped cgroup with containerd CRI
# annotations (pod and namespace), and a host program (container.id host).  Audit is left as
# it was found and every container and bundle is removed, whatever happens.
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/podman.sh"
require_root
ensure_image || { echo "cannot build $SHIKRA_IMAGE"; exit 1; }
command -v script >/dev/null || { echo "script(1) missing (util-linux)"; exit 1; }

CTR_DIR=$ITEST_DIR-ctr
RUNC_ID=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
POD_UID=5b8f0e2a-1c3d-4e5f-8a9b-$(echo "$RUNC_ID" | cut -c 1-12)

cleanup() {
	runc kill "$RUNC_ID" KILL >/dev/null 2>&1
	runc delete -f "$RUNC_ID" >/dev/null 2>&1
	podman_cleanup
	rm -rf "$CTR_DIR"
	finish
}

AUDIT_BEFORE=$(audit_snapshot)
rm -rf "$CTR_DIR"
mkdir -p "$CTR_DIR"
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

start_daemon "$TOP_SRCDIR/tests/integration/containers.yaml" --capture "$CTR_DIR/capture.jsonl" ||
	exit 1

# -- a Podman container: its very first exec already carries the metadata --
cid=$(podman_run -d --name shikra-ct-1 -- sleep 1000)
cid12=${cid:0:12}
wait_alert "podman: exec in a new container (id, name, image, type)" \
	'a["rule"] == "Itest container exec" and f["container.id"] == "'"$cid12"'" and f["proc.name"] == "sleep" and f["container.name"] == "shikra-ct-1" and f["container.image"] == "localhost/shikra-busybox:test" and f["container.type"] == "podman"'
first=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    f = json.loads(line).get("output_fields", {})
    if f.get("container.full_id") == sys.argv[2]:
        print(f.get("container.id"), f.get("container.name"), f.get("container.image"), f.get("container.type"))
        break' "$ALERTS" "$cid")
if [ "$first" = "$cid12 shikra-ct-1 localhost/shikra-busybox:test podman" ]; then
	ok "podman: the first alert of the container is complete"
else
	bad "podman: first alert of $cid12 was: $first"
fi

# -- podman exec with a terminal: a shell running a command (Debian's busybox runs its applets
# through /proc/self/exe, so the command's task name is "exe") --
script -qc "podman --runtime /usr/sbin/runc --cgroup-manager=cgroupfs exec -t shikra-ct-1 sh -c 'cat /etc/hostname; sleep 1'" /dev/null > /dev/null
wait_alert "podman exec -t: the command has a tty and the shell as parent" \
	'f["container.id"] == "'"$cid12"'" and f["proc.name"] in ("cat", "exe") and f["proc.tty"] not in (None, 0) and f["proc.pname"] == "sh"'

# -- a host program --
cp /bin/true "$CTR_DIR/ctritest-host"
"$CTR_DIR/ctritest-host"
wait_alert "host exec: container.id host" \
	'a["rule"] == "Itest host marker exec" and f["container.id"] == "host" and f["container.name"] == "host" and f["container.type"] == "host"'

# -- privileged, and a bind mount of /proc --
pid_=$(podman_run -d --privileged --name shikra-ct-priv -- sleep 1000)
wait_alert "podman --privileged: container.privileged true" \
	'f["container.id"] == "'"${pid_:0:12}"'" and f["proc.name"] == "sleep" and f["container.privileged"] is True'
mid=$(podman_run -d -v /proc:/host/proc:ro --name shikra-ct-mnt -- sleep 1000)
wait_alert "podman -v /proc:/host/proc: container.mounts has /host/proc" \
	'f["container.id"] == "'"${mid:0:12}"'" and "/proc:/host/proc:" in f["container.mounts"] and f["container.privileged"] is False'

# -- runc directly: a bundle with containerd CRI annotations under a kubepods cgroup --
mkdir -p "$CTR_DIR/bundle/rootfs/bin"
cp /bin/busybox "$CTR_DIR/bundle/rootfs/bin/busybox"
ln -s busybox "$CTR_DIR/bundle/rootfs/bin/sleep"
(cd "$CTR_DIR/bundle" && runc spec)
python3 - "$CTR_DIR/bundle/config.json" "$RUNC_ID" "$POD_UID" <<'PY'
import json, sys
path, cid, uid = sys.argv[1:4]
spec = json.load(open(path))
spec["process"]["terminal"] = False
spec["process"]["args"] = ["/bin/sleep", "60"]
spec["annotations"] = {
    "io.kubernetes.cri.container-type": "container",
    "io.kubernetes.cri.container-name": "itest-app",
    "io.kubernetes.cri.sandbox-name": "itest-pod-0",
    "io.kubernetes.cri.sandbox-namespace": "itest-ns",
    "io.kubernetes.cri.sandbox-uid": uid,
    "io.kubernetes.cri.image-name": "docker.io/library/busybox:1.36",
}
spec["linux"]["cgroupsPath"] = "/kubepods/besteffort/pod%s/%s" % (uid, cid)
json.dump(spec, open(path, "w"), indent=1)
PY
if runc run -d --bundle "$CTR_DIR/bundle" "$RUNC_ID" < /dev/null > "$CTR_DIR/runc.log" 2>&1; then
	wait_alert "runc + CRI annotations: pod and namespace" \
		'f["container.id"] == "'"${RUNC_ID:0:12}"'" and f["proc.name"] == "sleep" and f["k8s.pod.name"] == "itest-pod-0" and f["k8s.ns.name"] == "itest-ns" and f["container.name"] == "itest-app" and f["container.image"] == "docker.io/library/busybox:1.36"'
else
	bad "runc run failed:"
	sed 's/^/  | /' "$CTR_DIR/runc.log"
fi

# -- the capture replays with the same containers --
stop_daemon
"$SHIKRA" -c /dev/null --replay "$CTR_DIR/capture.jsonl" \
	-r "$TOP_SRCDIR/tests/integration/containers.yaml" -o json_output=true \
	> "$CTR_DIR/replay.json" 2> "$CTR_DIR/replay.log"
if python3 "$TOP_SRCDIR/tests/integration/match.py" "$CTR_DIR/replay.json" \
	'f["container.id"] == "'"$cid12"'" and f["container.name"] == "shikra-ct-1" and f["container.type"] == "podman"' &&
   python3 "$TOP_SRCDIR/tests/integration/match.py" "$CTR_DIR/replay.json" \
	'f["k8s.pod.name"] == "itest-pod-0" and f["container.privileged"] is False'; then
	ok "--replay of the capture: the same container alerts"
else
	bad "--replay of the capture lost the containers:"
	tail -n 5 "$CTR_DIR/replay.log" "$CTR_DIR/replay.json" | cut -c 1-300 | sed 's/^/  | /'
fi
