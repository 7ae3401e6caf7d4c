# common.sh - shared by scripts/run and scripts/test: install what is missing, then
# bootstrap, configure and build in a build directory.  Sourced, not run.
# Re-running on a built tree only runs make, which does nothing when nothing changed.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages the build, the tests and the live daemon need.
SHIKRA_BUILD_DEPS="build-essential autoconf automake pkg-config libaudit-dev libmnl-dev
libyaml-dev libjansson-dev libcmocka-dev libcurl4-openssl-dev libcap-ng-dev"
SHIKRA_TEST_DEPS="auditd python3 podman runc busybox-static logrotate"

say() { printf '==> %s\n' "$*" >&2; }

# Install every package in "$@" that is not installed yet.
ensure_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		say "missing packages: ${missing[*]} (run as root, or install them first)"
		return 1
	fi
	say "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# An old or absent package list makes apt-get install fail; refresh once.
	apt-get update -qq >/dev/null || return 1
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
	# Debian's auditd package starts the daemon it installs; tests need audit left unowned.
	# Only a daemon this run installed is stopped: an auditd that was already running
	# belongs to the host (installing, say, libcmocka-dev must not switch it off).
	case " ${missing[*]} " in
	*" auditd "*)
		if pgrep -x auditd >/dev/null 2>&1; then
			pkill -x auditd || true
		fi ;;
	esac
}

# Build into $1 (a directory below $TOP) with configure options "${@:2}".
build_tree() {
	local dir="$TOP/$1"
	shift
	if [ ! -x "$TOP/configure" ] || [ "$TOP/configure.ac" -nt "$TOP/configure" ]; then
		say "bootstrapping (autoreconf)"
		(cd "$TOP" && autoreconf -fi >/dev/null 2>&1) || { say "autoreconf failed"; return 1; }
	fi
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ]; then
		say "configuring $(basename "$dir") $*"
		(cd "$dir" && "$TOP/configure" -q "$@" >/dev/null) || { say "configure failed"; return 1; }
	fi
	say "building $(basename "$dir")"
	make -s -C "$dir" -j"$(nproc)" >/dev/null || { say "build failed"; return 1; }
}
