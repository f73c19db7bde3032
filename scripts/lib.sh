# Shared settings for the project's scripts: sourced, never run.
# Paths here are the single source of truth for where things are built and
# cached, so demo, test and the private-daemon helper always agree.

VIRTXL_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VIRTXL_BUILD=${VIRTXL_BUILD:-$VIRTXL_TOP/build}
# libvirt's source tree (for private headers) is cached outside git; it is
# keyed by the installed libvirt version so an upgrade rebuilds it.
VIRTXL_CACHE=${VIRTXL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/virtxl}

vxl_say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
vxl_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The version of libvirt-dev that is installed: headers must match it exactly.
vxl_libvirt_version() {
    dpkg-query -W -f='${Version}' libvirt-dev 2>/dev/null
}
