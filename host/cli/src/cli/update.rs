//! `backorders update`

use backorders_host::{BackorderUpdate, CallError, DateChange, HostError, Priority, TextChange};

use super::args::{self, wire, Apply, ExpectedVersion, RequestId};
use super::Session;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The backorder id (BO-YYYY-NNNN)
    backorder_id: String,
    #[arg(long, value_name = "P", value_parser = wire::<Priority>())]
    priority: Option<Priority>,
    #[arg(long, value_name = "D", conflicts_with = "clear_expected_date")]
    expected_date: Option<String>,
    #[arg(long)]
    clear_expected_date: bool,
    #[arg(long, value_name = "D", conflicts_with = "clear_promised_date")]
    promised_date: Option<String>,
    #[arg(long)]
    clear_promised_date: bool,
    #[arg(long, value_name = "L", conflicts_with = "clear_location")]
    location: Option<String>,
    #[arg(long)]
    clear_location: bool,
    #[arg(long, value_name = "T", conflicts_with = "clear_notes")]
    notes: Option<String>,
    #[arg(long)]
    clear_notes: bool,
    #[command(flatten)]
    request_id: RequestId,
    #[command(flatten)]
    version: ExpectedVersion,
    #[command(flatten)]
    apply: Apply,
}

/// Clap already refuses both flags together; this keeps the rule without
/// relying on it.
fn both_given(field: &'static str) -> CallError {
    HostError::InvalidInput {
        field,
        message: "give a new value or clear it, not both".into(),
    }
    .into()
}

fn date_change(
    field: &'static str,
    set: Option<String>,
    clear: bool,
) -> Result<Option<DateChange>, CallError> {
    match (args::time(field, set.as_deref())?, clear) {
        (Some(_), true) => Err(both_given(field)),
        (Some(date), false) => Ok(Some(DateChange::Set(date))),
        (None, true) => Ok(Some(DateChange::Clear)),
        (None, false) => Ok(None),
    }
}

fn text_change(
    field: &'static str,
    set: Option<String>,
    clear: bool,
) -> Result<Option<TextChange>, CallError> {
    match (set, clear) {
        (Some(_), true) => Err(both_given(field)),
        (Some(text), false) => Ok(Some(TextChange::Set(text))),
        (None, true) => Ok(Some(TextChange::Clear)),
        (None, false) => Ok(None),
    }
}

pub fn run(session: &mut Session, args: Args) -> Result<(), CallError> {
    let request = BackorderUpdate {
        backorder_id: args.backorder_id,
        priority: args.priority,
        expected_date: date_change(
            "expected_date",
            args.expected_date,
            args.clear_expected_date,
        )?,
        promised_date: date_change(
            "promised_date",
            args.promised_date,
            args.clear_promised_date,
        )?,
        location: text_change("location", args.location, args.clear_location)?,
        notes: text_change("notes", args.notes, args.clear_notes)?,
        request_id: args.request_id.request_id,
        expected_version: args.version.expected_version,
    };
    let outcome = session
        .backorders
        .update_backorder(&request, args.apply.mode())?;
    session.out.write_card(outcome.applied, &outcome.value);
    Ok(())
}
