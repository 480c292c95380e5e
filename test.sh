#!/usr/bin/env bash
# All the tests, with their set-up, on a fresh machine as in CI:
#  1. Debian's Python packages for the emulator's kernel tests (IPython,
#     numpy, pandas, matplotlib), installed with apt-get when missing and this
#     user may install them (root, or sudo without a password);
#  2. `go test -race -timeout 30m ./...` in the main module, then in each
#     framework adapter's nested module under adapters/ (which the main
#     module's ./... does not reach). Every module is tested even when one
#     fails; the exit status is non-zero if any failed.
# The run ends with the list of skipped tests and why. Where step 1 has the
# packages in place, AZSESSIONS_REQUIRE_DEPS=1 turns a test that would skip
# for want of them into a failure, since a skip would hide an untested path.
# Extra arguments go to every go test, for example ./test.sh -run Emulator.
# GOWORK is off so that a go.work of your own cannot change what is tested.
set -uo pipefail
cd "$(dirname "$0")"
export GOWORK=off

kernel_packages=(python3-ipython python3-numpy python3-pandas python3-matplotlib)

# install_kernel_packages installs what is missing of kernel_packages and
# reports whether all of them are there afterwards.
install_kernel_packages() {
  command -v dpkg-query >/dev/null || return 1
  local missing=() p sudo=""
  for p in "${kernel_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    sudo -n true 2>/dev/null || return 1
    sudo="sudo -n"
  fi
  echo "== apt-get install ${missing[*]}"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

echo "== Debian's Python packages for the emulator's kernel tests"
if install_kernel_packages && /usr/bin/python3 -c 'import IPython, matplotlib, numpy, pandas' 2>/dev/null; then
  export AZSESSIONS_EMULATOR_PYTHON=/usr/bin/python3
  export AZSESSIONS_REQUIRE_DEPS=1
else
  echo "warning: cannot install ${kernel_packages[*]}; the emulator's kernel tests will skip (see the list at the end)"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
report="$tmp/testreport"
go build -o "$report" ./internal/tools/testreport || exit 1

for dir in . adapters/*/; do
  dir=${dir%/}
  [ "$dir" = . ] || [ -f "$dir/go.mod" ] || continue
  echo "== go test ($dir)" >&2
  (cd "$dir" && go test -race -timeout 30m -json "$@" ./...) || echo "$dir" >>"$tmp/failed"
done | "$report"
status=$?
if [ -s "$tmp/failed" ]; then
  echo "FAILED in: $(tr '\n' ' ' <"$tmp/failed")"
  exit 1
fi
exit $status
