//! A database of its own for one run, made on the PostgreSQL server a
//! `--db` URL names and dropped when the run ends (even when it fails), and
//! what the JSON line reports of that server.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use backorders_postgres::postgres::{Client, Config, NoTls};
use backorders_postgres::redact;
use serde_json::{json, Map, Value};

/// Trivial statements timed for `pg_round_trip_us`.
const PINGS: usize = 1_000;
/// One-row transactions timed for `pg_commit_1_row_us`.
const COMMITS: usize = 200;

pub struct FreshDatabase {
    /// The database's URL: the server's, with `dbname` naming this one.
    pub url: String,
    server: Config,
    name: String,
}

impl FreshDatabase {
    /// Creates an empty database on the server `server_url` names (its
    /// role needs CREATEDB); the provider lays out the schema at its first
    /// connection.
    pub fn create(server_url: &str) -> Result<Self> {
        let shown = redact(server_url);
        let server: Config = server_url
            .parse()
            .with_context(|| format!("--db {shown} is not a PostgreSQL URL"))?;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.subsec_nanos());
        let name = format!("backorders_bench_{}_{nanos}", std::process::id());
        let mut client = connect(&server, &shown)?;
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .with_context(|| {
                format!("create database {name} on {shown} (the role needs CREATEDB)")
            })?;
        // Query parameters override the URL's path, whatever it names.
        let separator = if server_url.contains('?') { '&' } else { '?' };
        let url = format!("{server_url}{separator}dbname={name}");
        Ok(Self { url, server, name })
    }

    /// The server's version and commit durability, the database's size,
    /// the time of one round trip (a trivial prepared statement on a warm
    /// connection: what every statement of a call costs at least), and of
    /// a transaction that inserts one row (BEGIN, INSERT, COMMIT: what
    /// every write call costs at least, its commit waiting for the WAL
    /// flush at the server's default durability). Measured after the run.
    pub fn figures(&self) -> Result<Map<String, Value>> {
        let config: Config = self.url.parse()?;
        let mut client = connect(&config, &redact(&self.url))?;
        let setting = |client: &mut Client, name: &str| -> Result<String> {
            Ok(client.query_one(&format!("SHOW {name}"), &[])?.get(0))
        };
        let version = setting(&mut client, "server_version")?;
        let synchronous_commit = setting(&mut client, "synchronous_commit")?;
        let db_bytes: i64 = client
            .query_one("SELECT pg_database_size(current_database())", &[])?
            .get(0);
        let ping = client.prepare("SELECT 1")?;
        client.query_one(&ping, &[])?;
        let started = Instant::now();
        for _ in 0..PINGS {
            client.query_one(&ping, &[])?;
        }
        let round_trip_us = started.elapsed().as_secs_f64() * 1e6 / PINGS as f64;
        client.batch_execute("CREATE TABLE bench_floor (k BIGINT)")?;
        let insert = client.prepare("INSERT INTO bench_floor VALUES ($1)")?;
        let started = Instant::now();
        for k in 0..COMMITS as i64 {
            let mut transaction = client.transaction()?;
            transaction.execute(&insert, &[&k])?;
            transaction.commit()?;
        }
        let commit_us = started.elapsed().as_secs_f64() * 1e6 / COMMITS as f64;
        let figures = json!({
            "pg_server_version": version,
            "pg_synchronous_commit": synchronous_commit,
            "pg_round_trip_us": round_trip_us,
            "pg_commit_1_row_us": commit_us,
            "db_bytes": db_bytes,
        });
        Ok(figures.as_object().cloned().unwrap_or_default())
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        // FORCE: a connection a failed run left open must not keep it.
        let dropped = connect(&self.server, "the server").and_then(|mut client| {
            client
                .batch_execute(&format!(
                    "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                    self.name
                ))
                .map_err(anyhow::Error::from)
        });
        if let Err(error) = dropped {
            eprintln!("warning: could not drop database {}: {error:#}", self.name);
        }
    }
}

fn connect(config: &Config, shown: &str) -> Result<Client> {
    config
        .connect(NoTls)
        .with_context(|| format!("connect to {shown}"))
}
