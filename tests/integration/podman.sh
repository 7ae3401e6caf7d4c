# podman.sh - real containers for the integration and end-to-end tests (podman + runc,
# cgroupfs, no network, no registry).  Sourced after lib.sh.  The image is built locally from
# Debian's busybox-static with `podman import`, so nothing is pulled.

SHIKRA_IMAGE=${SHIKRA_IMAGE:-localhost/shikra-busybox:test}
# Every container a test starts carries shikra-test=1, and an owner label naming the test
# process: podman_cleanup removes only its own test's containers, so tests that run in
# parallel (make -j check) never remove each other's.
SHIKRA_CTR_LABEL=shikra-test=1
SHIKRA_CTR_OWNER=shikra-test-owner=${SHIKRA_TEST_OWNER:-$(basename "$0").$$}

podman_cmd() {
	podman --runtime /usr/sbin/runc --cgroup-manager=cgroupfs "$@"
}

# podman_run [PODMAN RUN OPTIONS...] -- [COMMAND...]: start a labelled container with the
# flags this machine needs; prints what podman prints (the id with -d).
podman_run() {
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	podman_cmd run --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--label "$SHIKRA_CTR_LABEL" --label "$SHIKRA_CTR_OWNER" "${opts[@]}" "$SHIKRA_IMAGE" "$@"
}

# Build the image once; a missing podman under CI is a failure, elsewhere a skip (77).
ensure_image() {
	if ! command -v podman >/dev/null || [ ! -x /usr/sbin/runc ] || [ ! -x /bin/busybox ]; then
		echo "podman, runc or busybox-static missing (apt-get install podman runc busybox-static)"
		[ "${CI:-}" = true ] && exit 1
		exit 77
	fi
	podman_cmd image exists "$SHIKRA_IMAGE" && return 0
	local root
	root=$(mktemp -d /tmp/shikra-image.XXXXXX)
	mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root" "$root/usr/bin" \
		"$root/usr/sbin" "$root/var/log" "$root/dev" "$root/proc" "$root/sys"
	cp /bin/busybox "$root/bin/busybox"
	for a in $("$root/bin/busybox" --list); do
		[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
		> "$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
	printf 'root:*:19000:0:99999:7:::\n' > "$root/etc/shadow"
	chmod 600 "$root/etc/shadow"
	chmod 1777 "$root/tmp"
	tar -C "$root" -cf "$root.tar" .
	podman_cmd import "$root.tar" "$SHIKRA_IMAGE" >/dev/null 2>&1
	local rc=$?
	rm -rf "$root" "$root.tar"
	return $rc
}

# Remove every container this test started (running or not).
podman_cleanup() {
	local ids
	ids=$(podman_cmd ps -aq --filter "label=$SHIKRA_CTR_OWNER" 2>/dev/null)
	[ -n "$ids" ] && podman_cmd rm -f -t 0 $ids >/dev/null 2>&1
	return 0
}
