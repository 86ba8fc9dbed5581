//! The compiled component, cached on disk so that a CLI call deserializes
//! machine code instead of compiling the component again (hundreds of
//! milliseconds).
//!
//! An entry is named by the SHA-256 of the component and the engine's
//! compatibility hash (wasmtime version, target, compiler settings, the
//! tunables that shape the code). It carries both again in its header,
//! with the length and SHA-256 of the compiled bytes: an entry that is
//! truncated, corrupt, for another component or another engine is never
//! handed to wasmtime; it is compiled again and replaced. Entries are
//! written to a temporary file and renamed into place, so a reader never
//! sees half of one and concurrent writers do not collide.
//!
//! Wasmtime runs deserialized code as it is: whoever can write the cache
//! directory can run code in the host. The directory is created private
//! (mode 0700); point `--cache-dir` only at a directory you alone can write.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::Engine;

use crate::error::HostError;

/// The environment variable that names the cache directory.
pub const CACHE_DIR_VARIABLE: &str = "BACKORDERS_CACHE_DIR";

/// First bytes of an entry: format and version.
const MAGIC: &[u8; 12] = b"BKOR-CWASM1\n";
const DIGEST_BYTES: usize = 32;
const HEADER_BYTES: usize = MAGIC.len() + DIGEST_BYTES + 8 + 8 + DIGEST_BYTES;

/// Where compiled components are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompileCache {
    /// Compile at every load.
    Disabled,
    /// Keep entries in this directory, created on first use.
    Directory(PathBuf),
}

impl CompileCache {
    /// `$BACKORDERS_CACHE_DIR`, else `$XDG_CACHE_HOME/backorders`, else
    /// `$HOME/.cache/backorders`; disabled when none is set.
    pub fn default_location() -> Self {
        let from = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
        if let Some(directory) = from(CACHE_DIR_VARIABLE) {
            return Self::Directory(directory.into());
        }
        if let Some(cache_home) = from("XDG_CACHE_HOME") {
            return Self::Directory(Path::new(&cache_home).join("backorders"));
        }
        match from("HOME") {
            Some(home) => Self::Directory(Path::new(&home).join(".cache").join("backorders")),
            None => Self::Disabled,
        }
    }
}

impl Default for CompileCache {
    fn default() -> Self {
        Self::default_location()
    }
}

/// How a load went, for tests and diagnostics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheOutcome {
    /// No cache: compiled.
    Disabled,
    /// A valid entry was deserialized.
    Hit,
    /// No entry: compiled and stored.
    Miss,
    /// An entry was there but not usable (the reason): compiled and replaced.
    Rebuilt(String),
}

/// The component compiled for `engine`, from the cache when it holds a
/// valid entry. A cache that cannot be read or written costs a compile,
/// never the load.
pub(crate) fn load(
    engine: &Engine,
    bytes: &[u8],
    cache: &CompileCache,
) -> Result<(Component, CacheOutcome), HostError> {
    let CompileCache::Directory(directory) = cache else {
        return Ok((compile(engine, bytes)?, CacheOutcome::Disabled));
    };
    let key = Key::new(engine, bytes);
    let path = directory.join(key.file_name());
    let rejected = match fs::read(&path) {
        Ok(entry) => match key.payload(&entry) {
            // SAFETY: the payload is byte for byte what `Component::serialize`
            // produced for this component and an engine with this
            // compatibility hash (checked above); wasmtime checks its own
            // header again.
            Ok(payload) => match unsafe { Component::deserialize(engine, payload) } {
                Ok(component) => return Ok((component, CacheOutcome::Hit)),
                Err(error) => Some(format!("wasmtime refused it: {error}")),
            },
            Err(reason) => Some(reason),
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => Some(format!("unreadable: {error}")),
    };
    let component = compile(engine, bytes)?;
    // A cache that cannot be written is only slower.
    let _ = store(directory, &path, &key, &component);
    let outcome = match rejected {
        Some(reason) => CacheOutcome::Rebuilt(reason),
        None => CacheOutcome::Miss,
    };
    Ok((component, outcome))
}

fn compile(engine: &Engine, bytes: &[u8]) -> Result<Component, HostError> {
    Component::from_binary(engine, bytes).map_err(|error| HostError::LoadComponent {
        reason: format!("{error:#}"),
    })
}

/// What names and guards an entry.
struct Key {
    component: [u8; DIGEST_BYTES],
    engine: u64,
}

impl Key {
    fn new(engine: &Engine, bytes: &[u8]) -> Self {
        // `DefaultHasher::new` has fixed keys: stable for one build of the
        // host, which is all a name needs (another build may name entries
        // anew; the header still guards each one).
        let mut hasher = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        Self {
            component: Sha256::digest(bytes).into(),
            engine: hasher.finish(),
        }
    }

    fn file_name(&self) -> String {
        let component: String = self.component[..16]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        format!("{component}-{:016x}.cwasm", self.engine)
    }

    fn header(&self, payload: &[u8]) -> Vec<u8> {
        let mut header = Vec::with_capacity(HEADER_BYTES);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&self.component);
        header.extend_from_slice(&self.engine.to_le_bytes());
        header.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        header.extend_from_slice(&Sha256::digest(payload));
        header
    }

    /// The compiled bytes of a valid entry, or why it is not one.
    fn payload<'a>(&self, entry: &'a [u8]) -> Result<&'a [u8], String> {
        if entry.len() < HEADER_BYTES || &entry[..MAGIC.len()] != MAGIC {
            return Err("not a cache entry of this format".into());
        }
        let (header, payload) = entry.split_at(HEADER_BYTES);
        if header != self.header(payload).as_slice() {
            return Err("its header does not match this component, engine or its own bytes".into());
        }
        Ok(payload)
    }
}

fn store(directory: &Path, path: &Path, key: &Key, component: &Component) -> std::io::Result<()> {
    static TEMPORARY: AtomicU64 = AtomicU64::new(0);
    create_private_directory(directory)?;
    let payload = component
        .serialize()
        .map_err(|error| std::io::Error::other(error.to_string()))?;
    let temporary = directory.join(format!(
        ".{}.{}.{}.tmp",
        key.file_name(),
        std::process::id(),
        TEMPORARY.fetch_add(1, Ordering::Relaxed)
    ));
    let written = fs::File::create(&temporary).and_then(|mut file| {
        file.write_all(&key.header(&payload))?;
        file.write_all(&payload)?;
        file.sync_all()
    });
    let renamed = written.and_then(|()| fs::rename(&temporary, path));
    if renamed.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    renamed
}

fn create_private_directory(directory: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(directory)
}
