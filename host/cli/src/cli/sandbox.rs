//! The global sandbox options: per-call limits and the compile cache.

use std::path::PathBuf;
use std::time::Duration;

use backorders_host::{CompileCache, Limits};

/// Overrides of the per-call limits (defaults in `backorders_host::limits`)
/// and of where the compiled component is cached.
#[derive(Debug, clap::Args)]
pub struct SandboxArgs {
    /// Linear memory one call may use [default: 64MiB]
    #[arg(long, global = true, value_name = "BYTES", value_parser = parse_bytes)]
    max_memory: Option<usize>,

    /// Wall time one call may run for, in milliseconds [default: 60000]
    #[arg(long, global = true, value_name = "MS")]
    max_cpu_ms: Option<u64>,

    /// Also meter fuel (about one unit per wasm instruction): a
    /// deterministic CPU limit, at some speed [default: not metered]
    #[arg(long, global = true, value_name = "FUEL")]
    max_fuel: Option<u64>,

    /// Wasm stack one call may use [default: 512KiB]
    #[arg(long, global = true, value_name = "BYTES", value_parser = parse_bytes)]
    max_stack: Option<usize>,

    /// Core instances one call may create [default: 16]
    #[arg(long, global = true, value_name = "N")]
    max_instances: Option<u32>,

    /// Tables one call may create [default: 16]
    #[arg(long, global = true, value_name = "N")]
    max_tables: Option<u32>,

    /// Longest value the component may store [default: 1MiB]
    #[arg(long, global = true, value_name = "BYTES", value_parser = parse_bytes)]
    max_value: Option<usize>,

    /// Longest string the component may hand the inventory or the outbox [default: 4KiB]
    #[arg(long, global = true, value_name = "BYTES", value_parser = parse_bytes)]
    max_text: Option<usize>,

    /// Most entries in one store scan, get-many or write batch [default: 10000]
    #[arg(long, global = true, value_name = "N")]
    max_list: Option<usize>,

    /// Output kept from the component's stdout and from its stderr per call [default: 64KiB]
    #[arg(long, global = true, value_name = "BYTES", value_parser = parse_bytes)]
    max_output: Option<usize>,

    /// Keep the compiled component here [default: $BACKORDERS_CACHE_DIR,
    /// else $XDG_CACHE_HOME/backorders, else ~/.cache/backorders]
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "no_cache")]
    cache_dir: Option<PathBuf>,

    /// Compile the component at every start instead of caching it
    #[arg(long, global = true)]
    no_cache: bool,
}

impl SandboxArgs {
    pub fn limits(&self) -> Limits {
        let defaults = Limits::default();
        Limits {
            memory_bytes: self.max_memory.unwrap_or(defaults.memory_bytes),
            cpu_time: self
                .max_cpu_ms
                .map_or(defaults.cpu_time, Duration::from_millis),
            fuel: self.max_fuel.or(defaults.fuel),
            stack_bytes: self.max_stack.unwrap_or(defaults.stack_bytes),
            instances: self.max_instances.unwrap_or(defaults.instances),
            tables: self.max_tables.unwrap_or(defaults.tables),
            value_bytes: self.max_value.unwrap_or(defaults.value_bytes),
            text_bytes: self.max_text.unwrap_or(defaults.text_bytes),
            list_entries: self.max_list.unwrap_or(defaults.list_entries),
            output_bytes: self.max_output.unwrap_or(defaults.output_bytes),
            ..defaults
        }
    }

    pub fn compile_cache(&self) -> CompileCache {
        match (&self.cache_dir, self.no_cache) {
            (_, true) => CompileCache::Disabled,
            (Some(directory), false) => CompileCache::Directory(directory.clone()),
            (None, false) => CompileCache::default_location(),
        }
    }
}

/// A byte count: a number, optionally with `KiB`, `MiB` or `GiB` (or `K`,
/// `M`, `G`, all powers of 1024).
fn parse_bytes(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let shift = match unit.trim() {
        "" | "B" => 0,
        "K" | "KiB" => 10,
        "M" | "MiB" => 20,
        "G" | "GiB" => 30,
        other => return Err(format!("unknown unit {other:?}: use KiB, MiB or GiB")),
    };
    let number: usize = digits
        .parse()
        .map_err(|_| format!("{text:?} is not a byte count such as 65536 or 64MiB"))?;
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("{text} is too large"))
}

#[cfg(test)]
mod tests {
    use super::parse_bytes;

    #[test]
    fn byte_counts_take_binary_units() {
        assert_eq!(parse_bytes("65536"), Ok(65536));
        assert_eq!(parse_bytes("64MiB"), Ok(64 << 20));
        assert_eq!(parse_bytes("512K"), Ok(512 << 10));
        assert!(parse_bytes("64MB").is_err());
        assert!(parse_bytes("lots").is_err());
    }
}
