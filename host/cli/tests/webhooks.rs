//! The webhook relay end to end: the real binary, a real SQLite file, real
//! HTTP to a receiver on 127.0.0.1 in this test, every signature checked by
//! the Standard Webhooks reference library.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use common::{backorders, binary, fresh_db, ok};
use serde_json::Value;

/// What the receiver does with the `n`th request (0-based).
#[derive(Clone, Copy, Debug)]
enum Reply {
    Status(u16),
    /// Never answers: the test kills the relay mid-request.
    Hang,
}

/// One request the receiver got, its signature already verified.
#[derive(Clone, Debug)]
struct Received {
    id: String,
    body: Value,
}

struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    /// Told the index of each request that hangs.
    hung: mpsc::Receiver<usize>,
}

/// A receiver answering by `reply`, verifying each request against
/// `secret` with `standardwebhooks` before it answers.
fn receiver(secret: &'static str, reply: impl Fn(usize) -> Reply + Send + 'static) -> Receiver {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", server.server_addr().to_ip().unwrap());
    let received = Arc::new(Mutex::new(Vec::new()));
    let (hung_tx, hung) = mpsc::channel();
    let log = received.clone();
    std::thread::spawn(move || {
        let verifier = standardwebhooks::Webhook::new(secret).unwrap();
        let mut held = Vec::new();
        for (n, mut request) in server.incoming_requests().enumerate() {
            let mut body = String::new();
            request.as_reader().read_to_string(&mut body).unwrap();
            let mut headers = http::HeaderMap::new();
            for header in request.headers() {
                headers.insert(
                    http::HeaderName::from_bytes(header.field.as_str().as_str().as_bytes()).unwrap(),
                    http::HeaderValue::from_str(header.value.as_str()).unwrap(),
                );
            }
            verifier
                .verify(body.as_bytes(), &headers)
                .unwrap_or_else(|error| panic!("request {n}: signature: {error}"));
            assert_eq!(headers["content-type"], "application/cloudevents+json");
            let body: Value = serde_json::from_str(&body).unwrap();
            let id = headers["webhook-id"].to_str().unwrap().to_owned();
            assert_eq!(body["id"], id.as_str());
            log.lock().unwrap().push(Received { id, body });
            match reply(n) {
                Reply::Status(code) => request
                    .respond(tiny_http::Response::empty(code))
                    .unwrap(),
                Reply::Hang => {
                    held.push(request);
                    hung_tx.send(n).unwrap();
                }
            }
        }
    });
    Receiver { url, received, hung }
}

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// `backorders --json ARGS` at `now`, which must succeed.
fn json_at(db: &Path, now: &str, args: &[&str]) -> Value {
    let output = binary()
        .arg("--db")
        .arg(db)
        .args(["--json", "--now", now])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn json(db: &Path, args: &[&str]) -> Value {
    json_at(db, common::NOW, args)
}

/// A backorder of `order` for 2 units of W, nothing in stock.
fn create(db: &Path, order: &str) {
    ok(db, &["create", "--order", order, "--customer", "C", "--sku", "W", "--quantity", "2", "--apply"]);
}

/// The demo's whole lifecycle in `db`, and an endpoint for its outbox.
fn demo_with_endpoint(db: &Path, url: &str) -> Vec<Value> {
    let demo = binary().arg("--db").arg(db).arg("demo").output().unwrap();
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    ok(db, &["webhooks", "add", url, "--secret", SECRET, "--from", "0", "--apply"]);
    let events = json(db, &["events", "--limit", "1000"]);
    events.as_array().unwrap().clone()
}

fn deliver(db: &Path, now: &str, extra: &[&str]) -> Value {
    json_at(db, now, &[&["webhooks", "deliver"], extra].concat())
}

/// Every outbox event arrived, in outbox order, as a CloudEvent of it.
fn assert_all_in_order(received: &[Received], events: &[Value]) {
    let mut seen: Vec<&Received> = Vec::new();
    for got in received {
        if let Some(last) = seen.last() {
            if last.id == got.id {
                // A repeat: only ever the same event again, unchanged.
                assert_eq!(last.body, got.body);
                continue;
            }
        }
        assert!(!seen.iter().any(|earlier| earlier.id == got.id), "{} twice, not in a row", got.id);
        seen.push(got);
    }
    assert_eq!(seen.len(), events.len(), "every event arrives");
    for (got, event) in seen.iter().zip(events) {
        assert_eq!(&got.body["data"], event);
        assert_eq!(got.body["specversion"], "1.0");
        assert_eq!(got.body["subject"], event["backorder_id"]);
        let kind = event["kind"].as_str().unwrap().replacen('_', ".", 1);
        assert_eq!(got.body["type"], format!("backorders.{kind}"));
        assert_eq!(got.body["time"], event["at"]);
        assert_eq!(got.body["datacontenttype"], "application/json");
        let backorder = &got.body["data"]["backorder"];
        assert_eq!(backorder["backorder_id"], event["backorder_id"]);
        assert_eq!(backorder["status"], event["status"]);
        assert_eq!(backorder["sku"], event["sku"]);
    }
}

/// The backorder each backorder's last event carries is the backorder as
/// `show` gives it (without its lists): a notification needs no second read.
fn assert_last_events_carry_the_backorders(db: &Path, events: &[Value]) {
    let mut last = std::collections::BTreeMap::new();
    for event in events {
        last.insert(event["backorder_id"].as_str().unwrap().to_owned(), &event["backorder"]);
    }
    assert!(last.len() >= 4, "the demo has several backorders");
    for (id, carried) in last {
        let mut shown = json(db, &["show", &id]);
        let fields = shown.as_object_mut().unwrap();
        for list in ["allocations", "fulfillments", "history"] {
            fields.remove(list);
        }
        assert_eq!(carried, &shown, "{id}");
    }
}

#[test]
fn the_demo_lifecycle_arrives_in_order_signed_after_first_failures() {
    let db = fresh_db();
    // The first two attempts fail; the relay retries on the schedule.
    let receiver = receiver(SECRET, |n| Reply::Status(if n < 2 { 503 } else { 204 }));
    let events = demo_with_endpoint(&db.path, &receiver.url);
    assert!(events.len() > 10, "the demo emits its lifecycle");
    assert_last_events_carry_the_backorders(&db.path, &events);
    let first = deliver(&db.path, "2026-12-01T00:00:00Z", &[]);
    assert_eq!(first["failed"], 1, "{first}");
    let endpoint = &json(&db.path, &["webhooks", "list"])[0];
    assert_eq!(endpoint["attempts"], 1);
    assert_eq!(endpoint["last_error"], "HTTP 503 Service Unavailable");
    // Not due yet: nothing is sent.
    let early = deliver(&db.path, "2026-12-01T00:00:30Z", &[]);
    assert_eq!(early["failed"], 0, "{early}");
    deliver(&db.path, "2026-12-01T00:02:00Z", &[]);
    let last = deliver(&db.path, "2026-12-01T00:10:00Z", &[]);
    assert_eq!(last["delivered"], events.len() as u64, "{last}");
    assert_all_in_order(&receiver.received.lock().unwrap(), &events);
    let endpoint = &json(&db.path, &["webhooks", "list"])[0];
    assert_eq!(endpoint["cursor"], events.last().unwrap()["seq"]);
}

#[test]
fn a_relay_killed_mid_request_loses_nothing_and_repeats_only_that_event() {
    let db = fresh_db();
    let receiver = receiver(SECRET, |n| if n == 5 { Reply::Hang } else { Reply::Status(200) });
    let events = demo_with_endpoint(&db.path, &receiver.url);
    let mut relay: Child = binary()
        .arg("--db")
        .arg(&db.path)
        .args(["webhooks", "deliver", "--follow", "--lease", "3s", "--timeout", "2s", "--interval", "100ms"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    assert_eq!(receiver.hung.recv().unwrap(), 5);
    relay.kill().unwrap(); // SIGKILL
    relay.wait().unwrap();
    // The next relay waits for the dead one's lease to lapse, then goes on.
    deliver(&db.path, common::NOW, &["--lease", "3s", "--timeout", "2s", "--interval", "100ms"]);
    let received = receiver.received.lock().unwrap().clone();
    assert_all_in_order(&received, &events);
    let mut count: HashMap<&str, usize> = HashMap::new();
    for got in &received {
        *count.entry(&got.id).or_default() += 1;
    }
    let repeated: Vec<&str> = count.iter().filter(|(_, n)| **n > 1).map(|(id, _)| *id).collect();
    assert_eq!(repeated, [received[5].id.as_str()], "only the event in flight is sent twice");
}

/// A fresh database with an endpoint answering every request with
/// `status`, and a backorder created after it.
fn endpoint_answering(status: u16) -> (common::Db, Receiver) {
    let db = fresh_db();
    let receiver = receiver(SECRET, move |_| Reply::Status(status));
    ok(&db.path, &["webhooks", "add", &receiver.url, "--secret", SECRET, "--apply"]);
    create(&db.path, "O-1");
    (db, receiver)
}

#[test]
fn an_endpoint_that_always_fails_gets_its_events_dead_lettered_after_the_schedule() {
    let (db, receiver) = endpoint_answering(500);
    create(&db.path, "O-2");
    let events = json(&db.path, &["events"]).as_array().unwrap().len();
    // A test clock: each run is ten hours after the last, past the longest
    // delay with its jitter.
    let mut hours = 0;
    while json(&db.path, &["webhooks", "failed"]).as_array().unwrap().len() < events {
        assert!(hours < 24 * 10, "the schedule ends within ten days");
        let now = format!("2026-12-{:02}T{:02}:00:00Z", 1 + hours / 24, hours % 24);
        deliver(&db.path, &now, &[]);
        hours += 10;
    }
    let failed = json(&db.path, &["webhooks", "failed"]);
    for failure in failed.as_array().unwrap() {
        assert_eq!(failure["attempts"], 9);
        assert_eq!(failure["last_error"], "HTTP 500 Internal Server Error");
    }
    assert_eq!(receiver.received.lock().unwrap().len(), 9 * events, "nine attempts each");
    // Pruning keeps what the dead letter needs.
    let pruned = json_at(&db.path, "2027-12-01", &["events", "prune", "--older-than", "1d", "--apply"]);
    assert_eq!(pruned["events"], 0, "{pruned}");
    // A retry asked for is one more attempt.
    let id = failed[0]["id"].to_string();
    ok(&db.path, &["webhooks", "retry", &id, "--apply"]);
    deliver(&db.path, "2026-12-20", &[]);
    assert_eq!(receiver.received.lock().unwrap().len(), 9 * events + 1);
    let failed = json(&db.path, &["webhooks", "failed"]);
    assert_eq!(failed[0]["attempts"], 10);
    assert_eq!(failed[0]["retry_requested"], false);
}

#[test]
fn gone_disables_the_endpoint() {
    let (db, receiver) = endpoint_answering(410);
    let pass = deliver(&db.path, common::NOW, &[]);
    assert_eq!(pass["disabled"], 1, "{pass}");
    let endpoint = &json(&db.path, &["webhooks", "list"])[0];
    assert_eq!(endpoint["disabled_at"], "2026-11-02T09:00:00Z");
    create(&db.path, "O-2");
    deliver(&db.path, common::NOW, &[]);
    assert_eq!(receiver.received.lock().unwrap().len(), 1, "nothing more is sent");
}

#[test]
fn two_relays_at_once_deliver_each_event_once() {
    let db = fresh_db();
    let receiver = receiver(SECRET, |_| Reply::Status(200));
    let events = demo_with_endpoint(&db.path, &receiver.url);
    let relays: Vec<Child> = (0..2)
        .map(|_| {
            binary()
                .arg("--db")
                .arg(&db.path)
                .args(["webhooks", "deliver", "--interval", "50ms"])
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut relay in relays {
        assert!(relay.wait().unwrap().success());
    }
    let received = receiver.received.lock().unwrap().clone();
    assert_eq!(received.len(), events.len(), "no event twice");
    assert_all_in_order(&received, &events);
}

#[test]
fn endpoints_are_checked_previewed_and_removed() {
    let db = fresh_db();
    for (args, field) in [
        (vec!["ftp://example.com/x"], "url"),
        (vec!["http://127.0.0.1:1/x", "--types", "nope"], "types"),
        (vec!["http://127.0.0.1:1/x", "--secret", "whsec_c2hvcnQ="], "secret"),
    ] {
        let output = backorders(&db.path, &[&["webhooks", "add"], args.as_slice(), &["--apply"]].concat());
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(&format!("invalid input: {field}: ")), "{stderr}");
    }
    // A preview stores nothing, not even a file.
    let preview = json(&db.path, &["webhooks", "add", "http://127.0.0.1:1/x"]);
    assert_eq!(preview["applied"], false);
    assert!(preview["secret"].as_str().unwrap().starts_with("whsec_"));
    assert!(!db.path.exists());
    let added = json(&db.path, &["webhooks", "add", "http://127.0.0.1:1/x", "--apply"]);
    assert_eq!(json(&db.path, &["webhooks", "list"])[0]["id"], added["id"]);
    assert!(json(&db.path, &["webhooks", "list"])[0].get("secret").is_none());
    let id = added["id"].to_string();
    json(&db.path, &["webhooks", "remove", &id]);
    assert_eq!(json(&db.path, &["webhooks", "list"]).as_array().unwrap().len(), 1);
    json(&db.path, &["webhooks", "remove", &id, "--apply"]);
    assert_eq!(json(&db.path, &["webhooks", "list"]), Value::Array(vec![]));
    let missing = backorders(&db.path, &["webhooks", "remove", &id, "--apply"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn events_follow_prints_new_events_as_json_lines() {
    let db = fresh_db();
    create(&db.path, "O-1");
    let mut follower = binary()
        .arg("--db")
        .arg(&db.path)
        .args(["events", "--follow", "--after", "0", "--interval", "50ms"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(follower.stdout.take().unwrap()));
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["kind"], "backorder_created");
    create(&db.path, "O-2");
    let second: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(second["seq"], first["seq"].as_i64().unwrap() + 1);
    follower.kill().unwrap();
    follower.wait().unwrap();
}

#[test]
fn prune_removes_only_what_every_endpoint_has() {
    let db = fresh_db();
    create(&db.path, "O-1");
    let pruned_seq = json(&db.path, &["events"])[0]["seq"].as_i64().unwrap();
    ok(&db.path, &["webhooks", "add", "http://127.0.0.1:1/x", "--from", "0", "--apply"]);
    let later = "2027-01-01";
    let kept = json_at(&db.path, later, &["events", "prune", "--older-than", "1d", "--apply"]);
    assert_eq!(kept["events"], 0, "the endpoint has not got it");
    let endpoint_id = json(&db.path, &["webhooks", "list"])[0]["id"].to_string();
    ok(&db.path, &["webhooks", "remove", &endpoint_id, "--apply"]);
    let preview = json_at(&db.path, later, &["events", "prune", "--older-than", "1d"]);
    assert_eq!(preview["events"], 1);
    assert_eq!(json(&db.path, &["events"]).as_array().unwrap().len(), 1, "a preview removes nothing");
    json_at(&db.path, later, &["events", "prune", "--older-than", "1d", "--apply"]);
    assert_eq!(json(&db.path, &["events"]), Value::Array(vec![]));
    // The next event takes a new number, not the pruned one's (an
    // endpoint's cursor or a consumer's dedupe would skip it otherwise).
    create(&db.path, "O-2");
    assert_eq!(json(&db.path, &["events"])[0]["seq"], pruned_seq + 1);
}
