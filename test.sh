#!/usr/bin/env bash
# All the tests: `go test -race -timeout 30m ./...` in the main module, then in
# each framework adapter's nested module under adapters/ (which the main
# module's ./... does not reach). Extra arguments go to every go test, for
# example ./test.sh -run Emulator -count=1. GOWORK is off so that a go.work of
# your own cannot change which code is tested.
set -euo pipefail
cd "$(dirname "$0")"
export GOWORK=off

echo "== ."
go test -race -timeout 30m "$@" ./...
for mod in adapters/*/go.mod; do
  dir=$(dirname "$mod")
  echo "== $dir"
  (cd "$dir" && go test -race -timeout 30m "$@" ./...)
done
