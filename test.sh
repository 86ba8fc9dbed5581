#!/usr/bin/env bash
# Every test: the Rust workspace (which builds the component and the
# `backorders` CLI the kits compare against), then the Node.js and Python
# kits against that build. Installs what the kits need (npm ci in host/node,
# a virtualenv in target/python-kit); run `.ci/run` on a bare machine.
set -euo pipefail
cd "$(dirname "$0")"

# The PostgreSQL tests need a server: without BACKORDERS_TEST_POSTGRES naming
# one, install PostgreSQL from Debian's packages if missing, start it, and
# create the test role (as root; the server runs as the postgres user).
if [ -z "${BACKORDERS_TEST_POSTGRES:-}" ]; then
    bash host/postgres/setup-test-server.sh
fi

cargo test --release --workspace

# better-sqlite3 compiles from source against the running Node's headers
# (the registry is the only network; node-gyp must not fetch headers).
export npm_config_nodedir="${npm_config_nodedir:-$(node -p 'require("path").resolve(process.execPath, "../..")')}"
(cd host/node && npm ci --no-audit --no-fund && npm test)

python3 -m venv target/python-kit
target/python-kit/bin/python -m pip install --quiet './host/python[test]'
target/python-kit/bin/python -m pytest -q host/python
