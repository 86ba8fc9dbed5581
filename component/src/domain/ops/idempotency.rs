//! Idempotent writes. A write that carries a request id is remembered with
//! its result: a repeat with the same id and the same request returns that
//! first result and changes nothing; the same id with another request is
//! refused. Ids are forgotten `REQUEST_ID_RETENTION_MS` after first use, a
//! few per write, so what is kept stays bounded by the write rate.

use super::super::error::{DomainError, DomainResult};
use super::super::keys;
use super::super::limits::{REQUEST_ID_PRUNE_PER_CALL, REQUEST_ID_RETENTION_MS};
use super::super::model::{self, Timestamp};
use super::super::ports::Ports;
use super::super::stored::{self, Versioned, MARKER};
use super::super::{repo, validate};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Remembered {
    operation: String,
    /// The request as first made, serialized: a repeat must match it.
    request: Vec<u8>,
    /// The first result, serialized.
    result: Vec<u8>,
    at: Timestamp,
    /// Remembered in format version 1, when a date given as a day was
    /// read as the start of that day in UTC: `request` holds it so.
    #[serde(skip)]
    dates_as_instants: bool,
}

/// Version 2: its request and result may hold days (see `stored`); a
/// version 1 body is the same layout, its dates instants.
impl Versioned for Remembered {
    const VERSION: u8 = 2;

    fn decode_older(what: &str, version: u8, body: &[u8]) -> DomainResult<Self> {
        match version {
            stored::V1 => stored::decode_body(what, body).map(|r| Remembered { dates_as_instants: true, ..r }),
            _ => Err(stored::no_reader(what, version)),
        }
    }
}

/// A write request that may carry a request id; its serialized form is the
/// fingerprint a repeat of the id must match.
pub trait Request: Serialize + Sized {
    fn request_id(&self) -> Option<&String>;

    /// Its fingerprint as a build before issue 16 made it, when a day was
    /// read as the start of that day in UTC.
    fn fingerprint_with_dates_as_instants(&self) -> Vec<u8> {
        stored::encode_body(self)
    }
}

/// Every write request names its id in a field `request_id`; those after
/// `dated:` carry promised or expected dates.
macro_rules! requests {
    ($($request:ident),+ ; dated: $($dated:ident),+ $(,)?) => {
        $(impl Request for model::$request {
            fn request_id(&self) -> Option<&String> {
                self.request_id.as_ref()
            }
        })+
        $(impl Request for model::$dated {
            fn request_id(&self) -> Option<&String> {
                self.request_id.as_ref()
            }

            fn fingerprint_with_dates_as_instants(&self) -> Vec<u8> {
                stored::encode_body(&self.dates_as_instants())
            }
        })+
    };
}

requests!(
    AllocationRequest, FulfillmentRequest, CancelRequest, RunRequest, AllocationChange, AllocationExtension, ExpiryRequest,
    StockAdjustmentRequest;
    dated: NewBackorder, BackorderUpdate, SupplyExpectation,
);

/// Runs `write` on `request` once per request id: a request without one
/// just runs.
pub fn once<R: Request, T: Serialize + DeserializeOwned>(
    ports: &mut Ports,
    operation: &str,
    request: R,
    write: impl FnOnce(&mut Ports, R) -> DomainResult<T>,
) -> DomainResult<T> {
    let Some(id) = request.request_id().cloned() else { return write(ports, request) };
    let fingerprint = stored::encode_body(&request);
    validate::reference("request_id", &id)?;
    let key = keys::request(&id);
    if let Some(seen) = repo::get::<Remembered>(&mut ports.store, "remembered request", &key)? {
        if seen.at + REQUEST_ID_RETENTION_MS > ports.now {
            let made_as = if seen.dates_as_instants { request.fingerprint_with_dates_as_instants() } else { fingerprint.clone() };
            if seen.operation != operation || seen.request != made_as {
                return Err(DomainError::invalid(
                    "request_id",
                    format!("was already used for another request ({})", seen.operation),
                ));
            }
            return stored::decode_body("remembered result", &seen.result);
        }
        forget(ports, &id, seen.at)?;
    }
    forget_expired(ports)?;
    let result = write(ports, request)?;
    let remembered = Remembered {
        operation: operation.to_string(),
        request: fingerprint,
        result: stored::encode_body(&result),
        at: ports.now,
        dates_as_instants: false,
    };
    ports.store.set(&key, &repo::encode(&remembered));
    ports.store.set(&keys::request_time(ports.now, &id), &MARKER);
    Ok(result)
}

fn forget(ports: &mut Ports, id: &str, at: Timestamp) -> DomainResult<()> {
    ports.store.delete(&keys::request(id));
    ports.store.delete(&keys::request_time(at, id));
    Ok(())
}

fn forget_expired(ports: &mut Ports) -> DomainResult<()> {
    let (start, end) = keys::request_times_before(ports.now - REQUEST_ID_RETENTION_MS);
    for (key, _) in ports.store.scan(&start, &end, REQUEST_ID_PRUNE_PER_CALL)? {
        let mut parts = key.split(|b| *b == keys::SEP).skip(1);
        let at = parts.next().and_then(keys::time_from_part);
        let id = parts.next().and_then(|p| std::str::from_utf8(p).ok());
        let (Some(at), Some(id)) = (at, id) else { return Err(DomainError::corrupt("request time key")) };
        forget(ports, &id.to_string(), at)?;
    }
    Ok(())
}
