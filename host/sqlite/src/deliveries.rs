//! Webhook delivery state in the database file (tables `meta`,
//! `webhook_endpoints`, `webhook_failures`, `webhook_lease`): see
//! `backorders_host::provider::deliveries` for the contract.

use std::path::Path;

use rusqlite::{params, OptionalExtension, Row};

use backorders_host::provider::deliveries::{
    Deliveries, Endpoint, FailedDelivery, NewEndpoint, Pruned, Record,
};
use backorders_host::provider::{Access, OutboxEvent, Transactional};
use backorders_host::{HostError, Timestamp};

use super::events::{read_events, EVENT_COLUMNS};
use super::schema::RAISE_EVENT_NUMBERING;
use super::{database, SqliteConnection};

/// The delivery store of the database at `path`. Only a write (`create`)
/// creates a missing file; reads of a missing one see an empty database.
pub fn deliveries(path: &Path, create: bool) -> Result<SqliteConnection, HostError> {
    SqliteConnection::open_or_empty(path, create)
}

const ENDPOINT_COLUMNS: &str = "SELECT id, url, secret, types, created_at, cursor, attempts,
            next_attempt_at, last_error, disabled_at
     FROM webhook_endpoints";

const FAILURE_COLUMNS: &str =
    "SELECT id, endpoint_id, seq, attempts, last_error, failed_at, retry_requested
     FROM webhook_failures";

fn endpoint(row: &Row) -> rusqlite::Result<Endpoint> {
    let types: String = row.get(3)?;
    Ok(Endpoint {
        id: row.get(0)?,
        url: row.get(1)?,
        secret: row.get(2)?,
        types: types
            .split(',')
            .filter(|kind| !kind.is_empty())
            .map(str::to_owned)
            .collect(),
        created_at: row.get(4)?,
        cursor: row.get(5)?,
        attempts: row.get(6)?,
        next_attempt_at: row.get(7)?,
        last_error: row.get(8)?,
        disabled_at: row.get(9)?,
    })
}

fn failure(row: &Row) -> rusqlite::Result<FailedDelivery> {
    Ok(FailedDelivery {
        id: row.get(0)?,
        endpoint_id: row.get(1)?,
        seq: row.get(2)?,
        attempts: row.get(3)?,
        last_error: row.get(4)?,
        failed_at: row.get(5)?,
        retry_requested: row.get(6)?,
    })
}

fn no_such(what: &str, id: i64) -> HostError {
    HostError::InvalidInput {
        field: "id",
        message: format!("no {what} has id {id}"),
    }
}

impl SqliteConnection {
    /// Runs `body` in a write transaction, committed only when it succeeds
    /// and `apply` is set.
    fn in_transaction<T>(
        &mut self,
        apply: bool,
        body: impl FnOnce(&rusqlite::Connection) -> Result<T, HostError>,
    ) -> Result<T, HostError> {
        self.begin(Access::Write)?;
        let result = body(&self.connection);
        match result {
            Ok(value) if apply => self.commit().map(|()| value),
            other => {
                self.rollback()?;
                other
            }
        }
    }

    /// Every row a `*_COLUMNS` query finds, by id.
    fn all_by_id<T>(
        &self,
        columns: &str,
        map: impl FnMut(&Row) -> rusqlite::Result<T>,
        operation: &'static str,
    ) -> Result<Vec<T>, HostError> {
        let mut statement = self
            .connection
            .prepare_cached(&format!("{columns} ORDER BY id"))
            .map_err(database(operation))?;
        let rows = statement.query_map([], map).map_err(database(operation))?;
        rows.collect::<Result<_, _>>().map_err(database(operation))
    }
}

/// One endpoint, read inside a transaction.
fn find_endpoint(connection: &rusqlite::Connection, id: i64) -> Result<Endpoint, HostError> {
    connection
        .query_row(&format!("{ENDPOINT_COLUMNS} WHERE id = ?1"), [id], endpoint)
        .optional()
        .map_err(database("read webhook endpoint"))?
        .ok_or_else(|| no_such("webhook endpoint", id))
}

/// Whether `owner` holds the lease; takes it until `until` if so.
fn renew_lease(
    connection: &rusqlite::Connection,
    owner: &str,
    until: Timestamp,
) -> Result<bool, HostError> {
    connection
        .execute(
            "UPDATE webhook_lease SET expires_at = ?2 WHERE id = 1 AND owner = ?1",
            params![owner, until],
        )
        .map(|changed| changed == 1)
        .map_err(database("renew the relay lease"))
}

impl Deliveries for SqliteConnection {
    fn database_id(&mut self) -> Result<String, HostError> {
        self.connection
            .query_row("SELECT value FROM meta WHERE key = 'database_id'", [], |row| {
                row.get(0)
            })
            .map_err(database("read the database id"))
    }

    fn add_endpoint(&mut self, new: &NewEndpoint, apply: bool) -> Result<Endpoint, HostError> {
        self.in_transaction(apply, |connection| {
            connection
                .execute(
                    "INSERT INTO webhook_endpoints (url, secret, types, created_at, cursor)
                     VALUES (?1, ?2, ?3, ?4, coalesce(?5, (SELECT max(seq) FROM events), 0))",
                    params![new.url, new.secret, new.types.join(","), new.created_at, new.start_after],
                )
                .map_err(database("add webhook endpoint"))?;
            find_endpoint(connection, connection.last_insert_rowid())
        })
    }

    fn endpoints(&mut self) -> Result<Vec<Endpoint>, HostError> {
        self.all_by_id(ENDPOINT_COLUMNS, endpoint, "read webhook endpoints")
    }

    fn remove_endpoint(&mut self, id: i64, apply: bool) -> Result<Endpoint, HostError> {
        self.in_transaction(apply, |connection| {
            let removed = find_endpoint(connection, id)?;
            connection
                .execute_batch(&format!(
                    "DELETE FROM webhook_failures WHERE endpoint_id = {id};
                     DELETE FROM webhook_endpoints WHERE id = {id};"
                ))
                .map_err(database("remove webhook endpoint"))?;
            Ok(removed)
        })
    }

    fn events_after(&mut self, after: i64, limit: u32) -> Result<Vec<OutboxEvent>, HostError> {
        read_events(
            &self.connection,
            &format!("{EVENT_COLUMNS} WHERE seq > ?1 ORDER BY seq LIMIT ?2"),
            [after, i64::from(limit)],
        )
    }

    fn event(&mut self, seq: i64) -> Result<Option<OutboxEvent>, HostError> {
        let events = read_events(
            &self.connection,
            &format!("{EVENT_COLUMNS} WHERE seq = ?1"),
            [seq],
        )?;
        Ok(events.into_iter().next())
    }

    fn acquire_lease(
        &mut self,
        owner: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<bool, HostError> {
        self.in_transaction(true, |connection| {
            connection
                .execute(
                    "INSERT INTO webhook_lease (id, owner, expires_at) VALUES (1, ?1, ?3)
                     ON CONFLICT (id) DO UPDATE SET owner = ?1, expires_at = ?3
                     WHERE owner = ?1 OR expires_at <= ?2",
                    params![owner, now, until],
                )
                .map(|changed| changed == 1)
                .map_err(database("take the relay lease"))
        })
    }

    fn release_lease(&mut self, owner: &str) -> Result<(), HostError> {
        self.in_transaction(true, |connection| {
            connection
                .execute("DELETE FROM webhook_lease WHERE owner = ?1", [owner])
                .map(drop)
                .map_err(database("release the relay lease"))
        })
    }

    fn record(
        &mut self,
        owner: &str,
        until: Timestamp,
        endpoint_id: i64,
        record: &Record,
    ) -> Result<bool, HostError> {
        self.in_transaction(true, |connection| {
            if !renew_lease(connection, owner, until)? {
                return Ok(false);
            }
            let write = |sql: &str, values: &[&dyn rusqlite::ToSql]| {
                connection
                    .execute(sql, values)
                    .map(drop)
                    .map_err(database("record a webhook delivery"))
            };
            const CLEAR: &str = "attempts = 0, next_attempt_at = NULL, last_error = NULL";
            match record {
                Record::Advance { seq } => write(
                    &format!("UPDATE webhook_endpoints SET cursor = ?2, {CLEAR} WHERE id = ?1"),
                    params![endpoint_id, seq],
                )?,
                Record::Retry {
                    attempts,
                    next_attempt_at,
                    error,
                } => write(
                    "UPDATE webhook_endpoints
                     SET attempts = ?2, next_attempt_at = ?3, last_error = ?4 WHERE id = ?1",
                    params![endpoint_id, attempts, next_attempt_at, error],
                )?,
                Record::DeadLetter {
                    seq,
                    attempts,
                    error,
                    at,
                } => {
                    write(
                        "INSERT INTO webhook_failures
                           (endpoint_id, seq, attempts, last_error, failed_at)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![endpoint_id, seq, attempts, error, at],
                    )?;
                    write(
                        &format!("UPDATE webhook_endpoints SET cursor = ?2, {CLEAR} WHERE id = ?1"),
                        params![endpoint_id, seq],
                    )?;
                }
                Record::Disable { at } => write(
                    "UPDATE webhook_endpoints SET disabled_at = ?2 WHERE id = ?1",
                    params![endpoint_id, at],
                )?,
                Record::Retried {
                    id,
                    delivered: true,
                    ..
                } => write("DELETE FROM webhook_failures WHERE id = ?1", params![id])?,
                Record::Retried {
                    id,
                    delivered: false,
                    error,
                } => write(
                    "UPDATE webhook_failures
                     SET attempts = attempts + 1, last_error = coalesce(?2, last_error),
                         retry_requested = 0
                     WHERE id = ?1",
                    params![id, error],
                )?,
            }
            Ok(true)
        })
    }

    fn failed(&mut self) -> Result<Vec<FailedDelivery>, HostError> {
        self.all_by_id(FAILURE_COLUMNS, failure, "read the webhook dead letter")
    }

    fn request_retry(&mut self, id: i64, apply: bool) -> Result<FailedDelivery, HostError> {
        self.in_transaction(apply, |connection| {
            connection
                .execute(
                    "UPDATE webhook_failures SET retry_requested = 1 WHERE id = ?1",
                    [id],
                )
                .map_err(database("request a webhook retry"))?;
            connection
                .query_row(&format!("{FAILURE_COLUMNS} WHERE id = ?1"), [id], failure)
                .optional()
                .map_err(database("request a webhook retry"))?
                .ok_or_else(|| no_such("failed delivery", id))
        })
    }

    fn prune_events(&mut self, before: Timestamp, apply: bool) -> Result<Pruned, HostError> {
        self.in_transaction(apply, |connection| {
            let kept_from: Option<i64> = connection
                .query_row("SELECT min(cursor) FROM webhook_endpoints", [], |row| {
                    row.get(0)
                })
                .map_err(database("prune events"))?;
            let highest: Option<i64> = connection
                .query_row("SELECT max(seq) FROM events", [], |row| row.get(0))
                .map_err(database("prune events"))?;
            if let Some(highest) = highest {
                connection
                    .execute(RAISE_EVENT_NUMBERING, [highest])
                    .map_err(database("prune events"))?;
            }
            let events = connection
                .execute(
                    "DELETE FROM events
                     WHERE created_at < ?1
                       AND seq <= coalesce(?2, (SELECT max(seq) FROM events))
                       AND seq NOT IN (SELECT seq FROM webhook_failures)",
                    params![before, kept_from],
                )
                .map_err(database("prune events"))?;
            Ok(Pruned {
                events: events as u64,
                kept_from,
            })
        })
    }
}
