//! `backorders import FILE` and `backorders export`: backorders in and out
//! of CSV (with a header) or JSON lines, in the create fields of
//! `create_backorder` (its parameter table says which, and how each is
//! read). Import sends the rows in calls of up to 1,000 items
//! (`create-backorders`); export reads page by page.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};

use backorders_cli::json;
use backorders_cli::operations::{Arguments, Kind, Param, CREATE_BACKORDER, LIST_BACKORDERS};
use backorders_host::{
    Backorder, BackorderError, BulkCreate, CallError, FieldError, HostError, ListRequest, Mode,
    NewBackorder,
};
use clap::{ArgMatches, FromArgMatches};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Map, Value};

use super::output::Output;
use super::{operation, Failure, Session};

/// Items in one `create-backorders` call (the component's limit).
const CHUNK: usize = 1000;
/// Items in one transaction of an import that refuses row by row: ten
/// calls share a commit, which writes each index page they share once
/// instead of once per call (a 100,000-row import: 7.2 s with a commit per
/// call, 5.4 s with ten calls to a commit).
const TRANSACTION: usize = 10 * CHUNK;
/// The export's page size (the list's largest).
const PAGE: u32 = 500;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    Csv,
    Jsonl,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// A CSV file with a header, or JSON lines, one backorder a row
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The file's format [default: by its extension, .csv or .jsonl]
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Use this column's value as each row's request id: importing the same
    /// file again creates nothing again (ids are kept 7 days)
    #[arg(long, value_name = "NAME")]
    request_id_column: Option<String>,
    /// Create every row or, at the first refused one, none
    #[arg(long)]
    all_or_nothing: bool,
    /// Create; without it, show what would be created and change nothing
    #[arg(long)]
    apply: bool,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    filters: Filters,
    /// csv (with a header) or jsonl
    #[arg(long, value_enum)]
    format: Format,
    /// Write here instead of stdout
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// The list command's filters (its table's parameters but the paging).
#[derive(Debug)]
struct Filters(ListRequest);

fn filter_params() -> impl Iterator<Item = &'static Param> {
    LIST_BACKORDERS.spec.params.iter().filter(|param| !matches!(param.name, "limit" | "cursor"))
}

impl clap::Args for Filters {
    fn augment_args(command: clap::Command) -> clap::Command {
        command.args(filter_params().map(operation::arg))
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        Self::augment_args(command)
    }
}

impl FromArgMatches for Filters {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let values: Map<String, Value> =
            filter_params().filter_map(|param| Some((param.name.to_owned(), operation::value(param, matches)?))).collect();
        let invalid = |error: String| clap::Error::raw(clap::error::ErrorKind::ValueValidation, error);
        let arguments = Arguments::check(LIST_BACKORDERS.spec.params, values).map_err(|e| invalid(e.to_string()))?;
        (LIST_BACKORDERS.build)(&arguments).map(Filters).map_err(|e| invalid(e.to_string()))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

/// The file's columns: the create parameters, in their table's order.
fn columns() -> impl Iterator<Item = &'static Param> {
    CREATE_BACKORDER.spec.params.iter()
}

fn unusable(field: &'static str, message: String) -> Failure {
    HostError::InvalidInput { field, message }.into()
}

/// A row refused before any call: its field and why.
fn refusal(field: &str, message: impl Into<String>) -> CallError {
    CallError::Domain(BackorderError::InvalidInput(FieldError { field: field.to_owned(), message: message.into() }))
}

/// One row of the file: its line and its request, or why it was refused.
type Row = (u64, Result<NewBackorder, CallError>);

pub fn import(session: &Session, args: ImportArgs) -> Result<(), Failure> {
    let format = match args.format {
        Some(format) => format,
        None => match args.file.extension().and_then(|e| e.to_str()) {
            Some("csv") => Format::Csv,
            Some("jsonl") => Format::Jsonl,
            _ => return Err(unusable("format", format!("cannot tell the format of {} by its extension; add --format csv|jsonl", args.file.display()))),
        },
    };
    let file = File::open(&args.file)
        .map_err(|error| unusable("file", format!("cannot open {}: {error}", args.file.display())))?;
    let id_column = args.request_id_column.as_deref();
    let rows = match format {
        Format::Csv => csv_rows(file, id_column)?,
        Format::Jsonl => jsonl_rows(file, id_column)?,
    };
    let mode = if args.apply { Mode::Apply } else { Mode::Preview };
    let (lines, items): (Vec<u64>, Vec<NewBackorder>) =
        rows.iter().filter_map(|(line, row)| Some((*line, row.as_ref().ok()?.clone()))).unzip();
    let mut refused: Vec<(u64, CallError)> =
        rows.into_iter().filter_map(|(line, row)| Some((line, row.err()?))).collect();
    let mut created: Vec<(u64, Backorder)> = Vec::new();
    let progress = Progress::new(items.len() as u64);
    let mut applied = args.apply;
    if args.all_or_nothing {
        // First each item's result in a rehearsal that changes nothing,
        // then, when no row is refused, the same in one transaction that
        // fails at any refusal.
        for (line, result) in lines.iter().zip(all_in_one(session, &items, false, Mode::Preview)?) {
            match result {
                Ok(backorder) => created.push((*line, backorder)),
                Err(error) => refused.push((*line, CallError::Domain(error))),
            }
        }
        progress.advance(items.len() as u64);
        if refused.is_empty() && args.apply {
            all_in_one(session, &items, true, mode)?;
        }
        if !refused.is_empty() {
            created.clear();
            applied = false;
        }
    } else {
        for (part, part_lines) in items.chunks(TRANSACTION).zip(lines.chunks(TRANSACTION)) {
            for (line, result) in part_lines.iter().zip(all_in_one(session, part, false, mode)?) {
                match result {
                    Ok(backorder) => created.push((*line, backorder)),
                    Err(error) => refused.push((*line, CallError::Domain(error))),
                }
            }
            progress.advance(part.len() as u64);
        }
    }
    progress.finish();
    refused.sort_by_key(|(line, _)| *line);
    report(&session.out, applied, args.all_or_nothing, &created, &refused);
    match refused.len() {
        0 => Ok(()),
        count => Err(Failure::Refused(count)),
    }
}

/// Every item through `create-backorders` (calls of `CHUNK`) in one
/// transaction that `mode` commits or rolls back; a result per item.
fn all_in_one(
    session: &Session,
    items: &[NewBackorder],
    all_or_nothing: bool,
    mode: Mode,
) -> Result<Vec<Result<Backorder, BackorderError>>, CallError> {
    let requests: Vec<BulkCreate> =
        items.chunks(CHUNK).map(|chunk| BulkCreate { items: chunk.to_vec(), all_or_nothing }).collect();
    let outcome = session.backorders.create_backorders_in_one(&requests, mode)?;
    Ok(outcome.value.into_iter().flat_map(|result| result.results).collect())
}

/// The summary: how many were created, and each refused line with why.
fn report(out: &Output, applied: bool, all_or_nothing: bool, created: &[(u64, Backorder)], refused: &[(u64, CallError)]) {
    let value = json!({
        "created": created.len(),
        "refused": refused.iter().map(|(line, error)| json!({"line": line, "error": json::error(error)["error"]})).collect::<Vec<_>>(),
        "applied": applied,
    });
    let text = || {
        let verb = if applied { "created" } else { "would create" };
        let mut text = format!("{verb} {} backorders, refused {} rows\n", created.len(), refused.len());
        if all_or_nothing && !refused.is_empty() {
            text = format!("created nothing (--all-or-nothing), refused {} rows\n", refused.len());
        }
        for (line, error) in refused {
            text += &format!("  line {line}: {error}\n");
        }
        text
    };
    if all_or_nothing && !refused.is_empty() {
        // Nothing was created because of the refusals, not for want of --apply.
        out.read(|| value, text);
    } else {
        out.write(applied, value, text);
    }
}

/// The rows of a CSV file; the header must name only create fields (and
/// the request id column) and every required one.
fn csv_rows(file: File, id_column: Option<&str>) -> Result<Vec<Row>, Failure> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(file);
    let header: Vec<String> = match reader.headers() {
        Ok(header) if !header.is_empty() && header.iter().any(|h| !h.is_empty()) => header.iter().map(str::to_owned).collect(),
        Ok(_) => return Err(unusable("file", "the file has no header line".into())),
        Err(error) => return Err(unusable("file", format!("cannot read the header: {error}"))),
    };
    check_header(&header, id_column)?;
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line());
                let values = header.iter().zip(record.iter()).filter(|(_, cell)| !cell.is_empty());
                let values = values.map(|(name, cell)| (name.clone(), cell_value(name, cell))).collect();
                rows.push((line, request(values, id_column)));
            }
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                rows.push((line, Err(refusal("line", error.to_string()))));
            }
        }
    }
    Ok(rows)
}

fn check_header(header: &[String], id_column: Option<&str>) -> Result<(), Failure> {
    for name in header {
        if !columns().any(|param| param.name == name) && Some(name.as_str()) != id_column {
            return Err(unusable("file", format!("the header names an unknown column `{name}`")));
        }
    }
    if let Some(missing) = columns().find(|param| param.required && !header.iter().any(|name| name == param.name)) {
        return Err(unusable("file", format!("the header lacks the column `{}`", missing.name)));
    }
    if let Some(id) = id_column {
        if !header.iter().any(|name| name == id) {
            return Err(unusable("request_id_column", format!("the header has no column `{id}`")));
        }
    }
    Ok(())
}

/// A CSV cell as the create parameters take it: a number for a quantity
/// (left as text, and so refused naming its column, when it is not one).
fn cell_value(name: &str, cell: &str) -> Value {
    match columns().find(|param| param.name == name).map(|param| param.kind) {
        Some(Kind::Quantity { .. }) => cell.parse::<u64>().map_or_else(|_| cell.into(), Value::from),
        _ => cell.into(),
    }
}

/// The rows of a JSON lines file: one object a line; blank lines skipped.
fn jsonl_rows(file: File, id_column: Option<&str>) -> Result<Vec<Row>, Failure> {
    let mut rows = Vec::new();
    for (index, line) in BufReader::new(file).lines().enumerate() {
        let line_number = index as u64 + 1;
        let text = line.map_err(|error| unusable("file", format!("cannot read line {line_number}: {error}")))?;
        if text.trim().is_empty() {
            continue;
        }
        let row = match serde_json::from_str::<Map<String, Value>>(&text) {
            Ok(values) => request(values, id_column),
            Err(error) => Err(refusal("line", format!("not a JSON object: {error}"))),
        };
        rows.push((line_number, row));
    }
    Ok(rows)
}

/// A row's values as a create request, checked and read as the
/// `create_backorder` command reads its arguments.
fn request(mut values: Map<String, Value>, id_column: Option<&str>) -> Result<NewBackorder, CallError> {
    if let Some(id) = id_column {
        let value = if columns().any(|param| param.name == id) { values.get(id).cloned() } else { values.remove(id) };
        match value {
            Some(Value::String(id)) => values.insert("request_id".into(), id.into()),
            Some(Value::Null) | None => return Err(refusal("request_id", format!("the column `{id}` is empty"))),
            Some(other) => values.insert("request_id".into(), other.to_string().into()),
        };
    }
    let arguments = Arguments::check(CREATE_BACKORDER.spec.params, values).map_err(|e| refusal(&e.field, e.message))?;
    (CREATE_BACKORDER.build)(&arguments)
}

/// A progress bar on a terminal (items, rate, ETA); otherwise a line per
/// call (up to 1,000 items).
struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: std::cell::Cell<u64>,
}

impl Progress {
    fn new(total: u64) -> Self {
        let bar = io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} items, {per_sec}, ETA {eta}") {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar, total, done: 0.into() }
    }

    fn advance(&self, items: u64) {
        self.done.set(self.done.get() + items);
        match &self.bar {
            Some(bar) => bar.inc(items),
            None => eprintln!("{}/{} items", self.done.get(), self.total),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

pub fn export(session: &Session, args: ExportArgs) -> Result<(), Failure> {
    let sink: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(io::BufWriter::new(create(path)?)),
        None => Box::new(io::BufWriter::new(io::stdout().lock())),
    };
    // Each row goes out as it is read: memory stays one page.
    let mut out = match args.format {
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(sink);
            writer.write_record(export_columns()).map_err(write_failed)?;
            Sink::Csv(Box::new(writer))
        }
        Format::Jsonl => Sink::Jsonl(sink),
    };
    let mut request = ListRequest { limit: Some(PAGE), ..args.filters.0 };
    loop {
        let page = session.backorders.list_backorders(&request)?;
        for backorder in &page.backorders {
            let fields = export_fields(backorder);
            match &mut out {
                Sink::Csv(writer) => {
                    let cells = fields.iter().map(|(_, value)| match value {
                        Value::Null => String::new(),
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    });
                    writer.write_record(cells).map_err(write_failed)?;
                }
                Sink::Jsonl(sink) => {
                    let object: Map<String, Value> =
                        fields.into_iter().filter(|(_, value)| !value.is_null()).map(|(n, v)| (n.to_owned(), v)).collect();
                    writeln!(sink, "{}", Value::Object(object)).map_err(write_failed)?;
                }
            }
        }
        match page.next_cursor {
            Some(cursor) => request.cursor = Some(cursor),
            None => break,
        }
    }
    match &mut out {
        Sink::Csv(writer) => writer.flush(),
        Sink::Jsonl(sink) => sink.flush(),
    }
    .map_err(write_failed)
}

enum Sink {
    Csv(Box<csv::Writer<Box<dyn Write>>>),
    Jsonl(Box<dyn Write>),
}

fn create(path: &Path) -> Result<File, Failure> {
    File::create(path).map_err(|error| unusable("output", format!("cannot create {}: {error}", path.display())))
}

fn write_failed(error: impl std::fmt::Display) -> Failure {
    unusable("output", format!("cannot write: {error}"))
}

/// The exported columns: the create fields a backorder has (a request id
/// is not kept with it).
fn export_columns() -> impl Iterator<Item = &'static str> {
    columns().map(|param| param.name).filter(|name| *name != "request_id")
}

/// A backorder's create fields, from its JSON form: `quantity` is what
/// was ordered.
fn export_fields(backorder: &Backorder) -> Vec<(&'static str, Value)> {
    let object = json::backorder(backorder);
    export_columns()
        .map(|name| {
            let key = if name == "quantity" { "quantity_ordered" } else { name };
            (name, object.get(key).cloned().unwrap_or(Value::Null))
        })
        .collect()
}
