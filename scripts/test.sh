#!/usr/bin/env bash
# The whole suite, once each: type check, jest (infra, handlers, CLI), then the Maven build and JUnit tests of
# the runner. Everything the tests need comes up by itself: the embedded PostgreSQL from node_modules, Maven's
# dependencies from Maven Central.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "── type check"
npx tsc --noEmit -p .

echo "── jest"
npx jest --ci

echo "── liquibase-runner (Maven, JUnit)"
mvn -B --no-transfer-progress -f liquibase-runner/pom.xml verify
