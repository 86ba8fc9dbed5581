//! The PostgreSQL server that tests run on: one the test may create
//! databases on, reached before any test uses it, so that a missing server
//! fails the test with the command that provides one.

use postgres::Config;

use super::{close, connect, describe, redact};

/// The environment variable naming the test server's URL; its role needs
/// CREATEDB (each test makes and drops databases of its own).
pub const TEST_SERVER_VARIABLE: &str = "BACKORDERS_TEST_POSTGRES";

/// The local server as `host/postgres/setup-test-server.sh` sets it up.
const DEFAULT_TEST_SERVER: &str = "postgres://backorders:backorders@127.0.0.1:5432/postgres";

/// The URL of the server tests run on (`BACKORDERS_TEST_POSTGRES`, else
/// the local one). Panics, naming the fix, when it cannot be reached: a
/// test that needs PostgreSQL never passes without it.
pub fn server_for_tests() -> String {
    let url = std::env::var(TEST_SERVER_VARIABLE).unwrap_or_else(|_| DEFAULT_TEST_SERVER.to_owned());
    let reached = url
        .parse::<Config>()
        .map_err(|error| error.to_string())
        .and_then(|config| connect(&config).map_err(|error| describe(&error)));
    match reached {
        Ok(client) => {
            close(client);
            url
        }
        Err(reason) => panic!(
            "this test needs a PostgreSQL server and {} cannot be reached: {reason}\n\
             fix: run `bash host/postgres/setup-test-server.sh` (as root: installs PostgreSQL from \
             Debian's packages, starts it and creates the test role), or set {TEST_SERVER_VARIABLE} \
             to the URL of a server whose role may CREATE DATABASE",
            redact(&url)
        ),
    }
}
