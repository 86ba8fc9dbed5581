#!/usr/bin/env bash
# Sets up the PostgreSQL server the tests use by default: installs it from
# Debian's packages when it is missing, starts a cluster when none runs,
# and creates the role `backorders` (password `backorders`, CREATEDB) that
# `postgres://backorders:backorders@127.0.0.1:5432/postgres` names. Each
# test creates and drops databases of its own. Safe to run again. Needs
# root (apt-get; the server itself runs as the postgres user).
set -euo pipefail

if ! command -v pg_lsclusters >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
fi

version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
if ! pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
    pg_createcluster "$version" main
fi
if ! pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
    pg_ctlcluster "$version" main start
fi

# From a directory the postgres user can enter (the caller's may be private).
cd /
su postgres -c "psql -v ON_ERROR_STOP=1 -q" <<'SQL'
SELECT 'CREATE ROLE backorders LOGIN CREATEDB PASSWORD ''backorders'''
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'backorders')
\gexec
SQL
echo "PostgreSQL $version is up; tests use postgres://backorders@127.0.0.1:5432/postgres"
