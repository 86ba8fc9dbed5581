//! Proptest-driven fuzzing of what the host parses: command lines (through
//! the real binary) and dates. Bounded case counts keep CI time fixed.

use proptest::prelude::*;
use std::process::Command;

const WORDS: &[&str] = &[
    "create", "show", "list", "update", "allocate", "confirm", "release", "extend", "fulfill", "cancel", "receive",
    "allocate-available", "expire", "expect", "expected", "check", "summary", "sku-summary", "stock", "add", "set",
    "events", "--order", "--customer", "--sku", "--quantity", "--priority", "--promised-date", "--expected-date",
    "--location", "--notes", "--source", "--source-ref", "--expires-at", "--limit", "--cursor", "--status",
    "--override-priority", "--request-id", "--expected-version", "--json", "--apply", "--policy", "--date",
    "BO-2026-0001", "AL-000001", "WIDGET-001", "10", "0", "-1", "99999999999999999999", "critical", "purchase_order",
    "fair_share", "2026-12-01", "2026-02-30", "PO-1", "", " ", "é", "\u{1}", "--", "-",
];

fn argument() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(WORDS).prop_map(str::to_owned),
        1 => "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, ..ProptestConfig::default() })]

    /// Whatever the arguments: no panic, an exit code of 0, 1 or 2, and a
    /// failure explains itself on stderr.
    #[test]
    fn any_command_line_fails_cleanly_or_succeeds(args in proptest::collection::vec(argument(), 0..8)) {
        let dir = tempfile::tempdir().unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_backorders"))
            .env_remove("BACKORDERS_DB")
            .arg("--db")
            .arg(dir.path().join("fuzz.db"))
            .args(["--now", "2026-11-26T00:00:00Z"])
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        prop_assert!(!stderr.contains("panicked"), "{:?}: {}", args, stderr);
        let code = output.status.code();
        prop_assert!(matches!(code, Some(0..=2)), "{:?}: exit {:?}: {}", args, code, stderr);
        if code != Some(0) {
            prop_assert!(!stderr.trim().is_empty(), "{:?}: a failure says why", args);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_date_text_parses_or_is_refused_naming_the_field(text in "\\PC{0,40}") {
        match backorders_host::dates::parse_time("promised_date", &text) {
            Ok(t) => {
                let again = backorders_host::dates::parse_time("promised_date", &backorders_host::dates::format_time(t));
                prop_assert_eq!(again.ok(), Some(t));
            }
            Err(error) => prop_assert!(error.to_string().contains("promised_date")),
        }
    }

    #[test]
    fn well_formed_times_round_trip(seconds in 0i64..253_402_300_799, millis in 0i64..1000) {
        let t = seconds * 1000 + millis;
        let text = backorders_host::dates::format_time(t);
        prop_assert_eq!(backorders_host::dates::parse_time("at", &text).ok(), Some(t));
    }
}
