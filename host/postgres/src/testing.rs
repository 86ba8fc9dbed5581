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

/// A database of its own for one test, on the test server, dropped with
/// this value.
pub struct TestDatabase {
    /// Its URL (with the test server's credentials).
    pub url: String,
    server: Config,
    name: String,
}

impl TestDatabase {
    /// Creates an empty database on `server_for_tests()`.
    pub fn create() -> Self {
        use std::sync::atomic::{AtomicU64, Ordering};
        static MADE: AtomicU64 = AtomicU64::new(0);
        let server_url = server_for_tests();
        let server: Config = server_url.parse().expect("the test server's URL parsed once already");
        let name = format!("backorders_test_{}_{}", std::process::id(), MADE.fetch_add(1, Ordering::Relaxed));
        let mut client = connect(&server).expect("the test server was reached");
        // Left by an earlier run of the same process id that was killed.
        for statement in [format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"), format!("CREATE DATABASE \"{name}\"")] {
            client
                .batch_execute(&statement)
                .unwrap_or_else(|error| panic!("create test database {name}: {}", describe(&error)));
        }
        close(client);
        let url = match server_url.rsplit_once('/') {
            Some((before, _)) if before.contains("://") && before.split_once("://").is_some_and(|(_, rest)| !rest.is_empty()) => {
                format!("{before}/{name}")
            }
            _ => panic!("{TEST_SERVER_VARIABLE} must be a URL ending in /DATABASE, as postgres://user:password@host:port/postgres"),
        };
        Self { url, server, name }
    }

    /// A raw client on this database, for a test to look behind the
    /// provider's back.
    pub fn client(&self) -> postgres::Client {
        let config: Config = self.url.parse().expect("a test database URL parses");
        connect(&config).expect("the test database is reachable")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut client) = connect(&self.server) {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name));
            close(client);
        }
    }
}

/// A port on 127.0.0.1 that nothing listens on (it was free a moment ago),
/// for a test of an unreachable server.
pub fn closed_local_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
    listener.local_addr().expect("its address").port()
}
