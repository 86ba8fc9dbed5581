// backorders for Node.js: the backorder engine component, loaded through
// jco, over a provider of your own or one of the two included.
export { createEngine, Engine, MAX_STOCK_QUANTITY } from './engine.js';
export { BackorderError } from './errors.js';
export { InventoryError } from './provider.js';
export { MemoryProvider } from './providers/memory.js';
export { formatTime, formatDate, parseTime, parseDate } from './dates.js';

/// The SQLite provider, loaded on demand so that better-sqlite3 is needed
/// only by those who use it.
export async function openSqlite(path, options) {
  const { SqliteProvider } = await import('./providers/sqlite.js');
  return new SqliteProvider(path, options);
}
