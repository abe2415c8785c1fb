#!/usr/bin/env bash
# Installs AWS's Lambda runtime pieces for the runtime tests and the bench, once, into the ignored .local/:
#   .local/lambda-runtime/bin/aws-lambda-rie  the Runtime Interface Emulator (Go module, built by `go install`)
#   .local/lambda-runtime/lib/*.jar           the Java runtime interface client and its dependencies (Maven)
# Neither is part of the deployed runner. Re-runs an install only when its pinned version changes.
set -euo pipefail
cd "$(dirname "$0")/.."

RIE_MODULE=github.com/aws/aws-lambda-runtime-interface-emulator
RIE_VERSION=v0.0.0-20261030222936-bef5c4ba774d
RIC_POM=test/runtime/lambda-runtime/pom.xml

dest=.local/lambda-runtime
mkdir -p "$dest"

if [ ! -x "$dest/bin/aws-lambda-rie" ] || [ "$(cat "$dest/rie.version" 2>/dev/null)" != "$RIE_VERSION" ]; then
  if ! command -v go >/dev/null; then
    echo "the Lambda runtime tests need Go (https://go.dev/dl/) to build AWS's Runtime Interface Emulator" >&2
    exit 1
  fi
  echo "building aws-lambda-rie $RIE_VERSION into $dest/bin…" >&2
  GOBIN="$PWD/$dest/bin" GOFLAGS=-buildvcs=false go install "$RIE_MODULE/cmd/aws-lambda-rie@$RIE_VERSION"
  echo "$RIE_VERSION" > "$dest/rie.version"
fi

want=$(sha256sum "$RIC_POM" | cut -d' ' -f1)
if [ ! -d "$dest/lib" ] || [ "$(cat "$dest/ric.sha256" 2>/dev/null)" != "$want" ]; then
  echo "resolving the Java runtime interface client into $dest/lib…" >&2
  rm -rf "$dest/lib"
  mvn -B -q --no-transfer-progress -Dstyle.color=never -f "$RIC_POM" -DoutputDirectory="$PWD/$dest/lib" dependency:copy-dependencies
  echo "$want" > "$dest/ric.sha256"
fi
