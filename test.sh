#!/usr/bin/env bash
# All the tests: `go test -race -timeout 30m ./...` in the main module, then in
# each framework adapter's nested module under adapters/ (which the main
# module's ./... does not reach). Every module is tested even when one fails;
# the exit status is non-zero if any failed. Extra arguments go to every go
# test, for example ./test.sh -run Emulator -count=1. GOWORK is off so that a
# go.work of your own cannot change which code is tested.
set -uo pipefail
cd "$(dirname "$0")"
export GOWORK=off

failed=()
for dir in . adapters/*/; do
  dir=${dir%/}
  [ "$dir" = . ] || [ -f "$dir/go.mod" ] || continue
  echo "== $dir"
  (cd "$dir" && go test -race -timeout 30m "$@" ./...) || failed+=("$dir")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED in: ${failed[*]}"
  exit 1
fi
