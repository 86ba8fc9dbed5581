//! The call's write buffer: every store access of an operation goes through
//! it. Writes are held in an ordered map and reach the store in one
//! `write-batch` when the call succeeds; a failed call drops them (the host
//! rolls the call back anyway, so nothing would have stuck). Reads answer
//! from the buffer first, then from what this call already read, and cross
//! to the store only for the rest.
//!
//! Why: every crossing is a round trip to a networked store (see
//! ARCHITECTURE.md, "Scale past one machine"), and a host in another language
//! pays a marshalling cost per call. The store does not change under a call
//! except through the call's own writes, so values read once stay valid
//! for the rest of the call.

use super::limits::{MAX_STORE_LIST, MAX_WRITE_BATCH};
use super::ports::{Store, StoreFailure, Write};
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

/// One entry as a scan returns it.
pub type Entry = (Vec<u8>, Vec<u8>);

/// Each write since a savepoint, in order: its key and what the buffer
/// held for it before (`None`: nothing buffered; `Some(None)`: a delete).
/// Undone in reverse order, so each key ends as it was at the savepoint.
type Undo = Vec<(Key, Option<Option<Vec<u8>>>)>;

/// A key of the buffer's maps, in the store's order (its bytes'), compared
/// eight bytes at a time. The guest's `memcmp` (wasi-libc's) compares a
/// byte at a time, and the keys one call writes share long prefixes (a
/// tag, an index name, a SKU): comparing them byte by byte while inserting
/// took a sixth of a bulk create's time (`create-backorders`, profiled).
/// Lookups by `[u8]` find the same entries: the order is the same.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Key(Vec<u8>);

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        compare_keys(&self.0, &other.0)
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Borrow<[u8]> for Key {
    fn borrow(&self) -> &[u8] {
        &self.0
    }
}

/// `a.cmp(b)`, a word of eight bytes at a time (big-endian words compare
/// as their bytes do).
fn compare_keys(a: &[u8], b: &[u8]) -> Ordering {
    let common = a.len().min(b.len());
    let words = common - common % 8;
    for at in (0..words).step_by(8) {
        let word = |key: &[u8]| u64::from_be_bytes(key[at..at + 8].try_into().expect("eight bytes"));
        match word(a).cmp(&word(b)) {
            Ordering::Equal => {}
            unequal => return unequal,
        }
    }
    a[words..].cmp(&b[words..])
}

pub struct Buffer<'a> {
    store: &'a mut dyn Store,
    /// Pending writes in key order: `Some(value)` sets, `None` deletes.
    writes: BTreeMap<Key, Option<Vec<u8>>>,
    /// Values this call read from the store (`None`: absent there).
    read: BTreeMap<Key, Option<Vec<u8>>>,
    /// The SKUs whose data the call read or wrote, sent with its writes
    /// (see `write-batch` in `wit/store.wit`).
    scopes: BTreeSet<String>,
    /// While a savepoint is open: each write since, with what the buffer
    /// held for its key before (`None`: nothing buffered).
    undo: Option<Undo>,
}

impl<'a> Buffer<'a> {
    pub fn new(store: &'a mut dyn Store) -> Self {
        Buffer { store, writes: BTreeMap::new(), read: BTreeMap::new(), scopes: BTreeSet::new(), undo: None }
    }

    /// Whether the call knows `key`'s value without asking the store
    /// (`known`, without copying the value).
    fn knows(&self, key: &[u8]) -> bool {
        self.writes.contains_key(key) || self.read.contains_key(key)
    }

    /// What the call knows about `key` without asking the store.
    fn known(&self, key: &[u8]) -> Option<Option<Vec<u8>>> {
        self.writes.get(key).or_else(|| self.read.get(key)).cloned()
    }

    /// Forgets what the call has read from the store (never its writes):
    /// a call that reads the whole store (the integrity check) would
    /// otherwise keep all of it in memory. Later reads cross again.
    pub fn forget_reads(&mut self) {
        self.read.clear();
    }

    pub fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreFailure> {
        if let Some(known) = self.known(key) {
            return Ok(known);
        }
        let value = self.store.get(key)?;
        self.read.insert(Key(key.to_vec()), value.clone());
        Ok(value)
    }

    /// The values of `keys`, in order; one store crossing for all the keys
    /// the call knows nothing about yet, none when it knows them all.
    pub fn get_many(&mut self, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>, StoreFailure> {
        self.prefetch(keys)?;
        Ok(keys.iter().map(|key| self.known(key).expect("prefetched")).collect())
    }

    /// Reads every key of `keys` that the call knows nothing about, in as
    /// few crossings as the store's list limit allows (one for up to
    /// `MAX_STORE_LIST` keys), so later `get`s answer without crossing.
    pub fn prefetch(&mut self, keys: &[Vec<u8>]) -> Result<(), StoreFailure> {
        // A key asked twice is read twice: the store answers each occurrence.
        let missing: Vec<Vec<u8>> = keys.iter().filter(|key| !self.knows(key)).cloned().collect();
        for chunk in missing.chunks(MAX_STORE_LIST as usize) {
            let values = self.store.get_many(chunk)?;
            if values.len() != chunk.len() {
                return Err(StoreFailure(format!("get-many returned {} values for {} keys", values.len(), chunk.len())));
            }
            self.read.extend(chunk.iter().cloned().map(Key).zip(values));
        }
        Ok(())
    }

    /// A number of the store's sequence `sequence`, past `after`: taken
    /// at once (it is not a key-value write), rolled back with the call.
    pub fn next_number(&mut self, sequence: &str, after: u64) -> Result<u64, StoreFailure> {
        self.store.next_number(sequence, after)
    }

    /// Notes that the call read or wrote data of `sku`.
    pub fn touch(&mut self, sku: &str) {
        if !self.scopes.contains(sku) {
            self.scopes.insert(sku.to_owned());
        }
    }

    pub fn set(&mut self, key: &[u8], value: &[u8]) {
        self.write(key, Some(value.to_vec()));
    }

    pub fn delete(&mut self, key: &[u8]) {
        self.write(key, None);
    }

    fn write(&mut self, key: &[u8], value: Option<Vec<u8>>) {
        let before = self.writes.insert(Key(key.to_vec()), value);
        if let Some(undo) = &mut self.undo {
            undo.push((Key(key.to_vec()), before));
        }
    }

    /// Opens a savepoint: the writes from here on can be undone alone
    /// (`rollback`) or kept (`release`). One at a time.
    pub fn savepoint(&mut self) {
        self.undo = Some(Vec::new());
    }

    /// Keeps the writes since the savepoint.
    pub fn release(&mut self) {
        self.undo = None;
    }

    /// Undoes the writes since the savepoint.
    pub fn rollback(&mut self) {
        for (key, before) in self.undo.take().unwrap_or_default().into_iter().rev() {
            match before {
                Some(value) => self.writes.insert(key, value),
                None => self.writes.remove(&key),
            };
        }
    }

    /// Entries with `start <= key < end` as the store will hold them after
    /// the buffered writes, in key order, at most `limit`.
    pub fn scan(&mut self, start: &[u8], end: &[u8], limit: u32) -> Result<Vec<Entry>, StoreFailure> {
        let mut out: Vec<Entry> = Vec::new();
        if limit == 0 || start >= end {
            return Ok(out);
        }
        let mut cursor = start.to_vec();
        loop {
            let need = limit - out.len() as u32;
            // Buffered deletes can hide entries of the store's page: ask for
            // that many more, so one crossing normally fills the page.
            let deletes = self.writes_in(&cursor, end).filter(|(_, v)| v.is_none()).count() as u32;
            let ask = need.saturating_add(deletes).min(need.max(MAX_STORE_LIST));
            let page = self.store.scan(&cursor, end, ask)?;
            if page.len() as u32 > ask {
                return Err(StoreFailure(format!("scan returned {} entries for a limit of {ask}", page.len())));
            }
            let exhausted = (page.len() as u32) < ask;
            // The page covers `[cursor, covered_end)` completely.
            let covered_end = match page.last() {
                Some((last, _)) if !exhausted => {
                    let mut next = last.clone();
                    next.push(0);
                    next
                }
                _ => end.to_vec(),
            };
            let buffered: Vec<Entry> = self
                .writes_in(&cursor, &covered_end)
                .filter_map(|(k, v)| v.as_ref().map(|v| (k.0.clone(), v.clone())))
                .collect();
            let stored = page.into_iter().filter(|(k, _)| !self.writes.contains_key(k.as_slice()));
            out.extend(merge(stored, buffered));
            if out.len() as u32 >= limit || exhausted {
                out.truncate(limit as usize);
                return Ok(out);
            }
            cursor = covered_end;
        }
    }

    fn writes_in<'s>(&'s self, start: &[u8], end: &[u8]) -> impl Iterator<Item = (&'s Key, &'s Option<Vec<u8>>)> + 's {
        let range = (Bound::Included(start), Bound::Excluded(end));
        self.writes.range::<[u8], _>(range)
    }

    /// Drops the buffered writes: a read that worked on a changed view.
    pub fn discard(&mut self) {
        self.writes.clear();
    }

    /// Whether the call wrote anything.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }

    /// Sends the buffered writes, in key order, in one `write-batch` (more
    /// only past `MAX_WRITE_BATCH` writes); nothing when there are none.
    pub fn flush(self) -> Result<(), StoreFailure> {
        let writes: Vec<Write> = self
            .writes
            .into_iter()
            .map(|(Key(key), value)| match value {
                Some(value) => Write::Set(key, value),
                None => Write::Delete(key),
            })
            .collect();
        let scopes: Vec<String> = self.scopes.into_iter().collect();
        for batch in writes.chunks(MAX_WRITE_BATCH) {
            self.store.write_batch(batch, &scopes)?;
        }
        Ok(())
    }
}

/// Merges two key-ordered entry lists with distinct keys, in key order.
fn merge(a: impl Iterator<Item = Entry>, b: Vec<Entry>) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut b = b.into_iter().peekable();
    for entry in a {
        while let Some(next) = b.next_if(|next| next.0 < entry.0) {
            out.push(next);
        }
        out.push(entry);
    }
    out.extend(b);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::memory::MemoryStore;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        Set(Vec<u8>, Vec<u8>),
        Delete(Vec<u8>),
        Get(Vec<u8>),
        GetMany(Vec<Vec<u8>>),
        Scan(Vec<u8>, Vec<u8>, u32),
        Savepoint,
        Release,
        Rollback,
    }

    /// Short keys over a small alphabet, so operations often meet the same
    /// keys and prefixes (0 included: the key separator).
    fn key() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(prop::sample::select(vec![0u8, 1, b'a', b'b', 0xff]), 0..4)
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (key(), prop::collection::vec(any::<u8>(), 0..3)).prop_map(|(k, v)| Op::Set(k, v)),
            2 => key().prop_map(Op::Delete),
            1 => key().prop_map(Op::Get),
            1 => prop::collection::vec(key(), 0..4).prop_map(Op::GetMany),
            2 => (key(), key(), 0u32..8).prop_map(|(s, e, l)| Op::Scan(s, e, l)),
            1 => Just(Op::Savepoint),
            1 => Just(Op::Release),
            1 => Just(Op::Rollback),
        ]
    }

    fn model_scan(model: &BTreeMap<Vec<u8>, Vec<u8>>, start: &[u8], end: &[u8], limit: u32) -> Vec<Entry> {
        if start >= end {
            return Vec::new();
        }
        model.range(start.to_vec()..end.to_vec()).take(limit as usize).map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Any mix of writes, reads and savepoints through the buffer
        /// answers exactly like the same operations applied to a plain map
        /// (a rollback restoring the map as it was at the savepoint), and
        /// after the flush the store holds exactly that map.
        #[test]
        fn the_buffer_answers_like_a_plain_map(
            initial in prop::collection::btree_map(key(), prop::collection::vec(any::<u8>(), 0..3), 0..12),
            ops in prop::collection::vec(op(), 0..40),
        ) {
            let mut store = MemoryStore { entries: initial.clone(), ..Default::default() };
            let mut model = initial;
            let mut buffer = Buffer::new(&mut store);
            // The map as it was at the open savepoint.
            let mut saved = None;
            for op in ops {
                match op {
                    Op::Set(k, v) => { buffer.set(&k, &v); model.insert(k, v); }
                    Op::Delete(k) => { buffer.delete(&k); model.remove(&k); }
                    Op::Get(k) => prop_assert_eq!(buffer.get(&k).unwrap(), model.get(&k).cloned()),
                    Op::GetMany(keys) => {
                        let expected: Vec<_> = keys.iter().map(|k| model.get(k).cloned()).collect();
                        prop_assert_eq!(buffer.get_many(&keys).unwrap(), expected);
                    }
                    Op::Scan(s, e, l) => prop_assert_eq!(buffer.scan(&s, &e, l).unwrap(), model_scan(&model, &s, &e, l)),
                    Op::Savepoint => { buffer.savepoint(); saved = Some(model.clone()); }
                    Op::Release => { buffer.release(); saved = None; }
                    Op::Rollback => {
                        buffer.rollback();
                        if let Some(at_savepoint) = saved.take() {
                            model = at_savepoint;
                        }
                    }
                }
            }
            buffer.flush().unwrap();
            prop_assert_eq!(store.entries, model);
        }
    }

    proptest! {
        /// Keys compare a word at a time exactly as their bytes do, over
        /// lengths on both sides of a word and shared prefixes.
        #[test]
        fn keys_compare_as_their_bytes(
            prefix in prop::collection::vec(prop::sample::select(vec![0u8, b'a', 0xff]), 0..20),
            a in prop::collection::vec(prop::sample::select(vec![0u8, 1, b'a', 0xfe, 0xff]), 0..12),
            b in prop::collection::vec(prop::sample::select(vec![0u8, 1, b'a', 0xfe, 0xff]), 0..12),
        ) {
            let (a, b) = ([prefix.clone(), a].concat(), [prefix, b].concat());
            prop_assert_eq!(compare_keys(&a, &b), a.cmp(&b));
            prop_assert_eq!(compare_keys(&b, &a), b.cmp(&a));
            prop_assert_eq!(compare_keys(&a, &a), Ordering::Equal);
        }
    }

    #[test]
    fn buffered_deletes_do_not_shorten_a_scan_page() {
        let mut store = MemoryStore::default();
        for k in 0u8..10 {
            store.entries.insert(vec![k], vec![k]);
        }
        let mut buffer = Buffer::new(&mut store);
        for k in 0u8..4 {
            buffer.delete(&[k]);
        }
        buffer.set(&[4, 0], b"new");
        let page = buffer.scan(&[0], &[0xff], 3).unwrap();
        let keys: Vec<Vec<u8>> = page.into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, vec![vec![4], vec![4, 0], vec![5]]);
    }

    #[test]
    fn reads_cross_once_per_key_and_writes_once_per_call() {
        let mut store = MemoryStore::default();
        store.entries.insert(b"a".to_vec(), b"1".to_vec());
        let mut buffer = Buffer::new(&mut store);
        buffer.prefetch(&[b"a".to_vec(), b"b".to_vec()]).unwrap();
        assert_eq!(buffer.get(b"a").unwrap(), Some(b"1".to_vec()));
        assert_eq!(buffer.get(b"b").unwrap(), None);
        buffer.set(b"b", b"2");
        buffer.delete(b"a");
        assert_eq!(buffer.get_many(&[b"a".to_vec(), b"b".to_vec()]).unwrap(), vec![None, Some(b"2".to_vec())]);
        buffer.flush().unwrap();
        assert_eq!(store.calls, 2, "one get-many, one write-batch");
        assert_eq!(store.entries.into_iter().collect::<Vec<_>>(), vec![(b"b".to_vec(), b"2".to_vec())]);
    }

    #[test]
    fn a_call_that_writes_nothing_sends_no_batch() {
        let mut store = MemoryStore::default();
        Buffer::new(&mut store).flush().unwrap();
        assert_eq!(store.calls, 0);
    }
}
