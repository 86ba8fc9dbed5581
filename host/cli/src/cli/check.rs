//! `backorders check`: the integrity check. Exit 0 when clean; 1 with the
//! list of problems otherwise.

use backorders_cli::operations::{problems, Integrity, CHECK_INTEGRITY};
use backorders_host::Mode;

use super::commands::CHECK;
use super::{Failure, Session};

pub fn run(session: &mut Session) -> Result<(), Failure> {
    let integrity = CHECK.call(session, &(), Mode::Preview)?;
    match problems(&integrity).len() {
        0 => Ok(()),
        count => Err(Failure::Problems(count)),
    }
}

/// The table's summary line, then one line per problem.
pub fn report(integrity: &Integrity) -> String {
    let mut text = format!("{}\n", (CHECK_INTEGRITY.summary)(integrity));
    for (kind, subject, detail) in problems(integrity) {
        text += &format!("  {kind}  {subject}  {detail}\n");
    }
    text
}
