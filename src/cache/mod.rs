//! The snapshot-keyed result cache: a result is kept (Arrow IPC under the XDG cache dir) under
//! a key made of the engine, the catalog it read, the normalized SQL, the bound parameter
//! values and the snapshot id of every table the estimate saw. So a hit is exactly "no input
//! has changed": after an append the snapshot differs and the key misses. Queries that call
//! a non-deterministic function (`now()`, `current_date`, `rand()`, …) or read a table
//! without a snapshot are not cached unless the user says so (`key` names how). Entries are written atomically; a corrupt one is a
//! miss; the least recently used go first when the store is over its size. `names` keeps
//! completion's table, column and function names per profile.

pub mod key;
pub mod names;
pub mod store;

pub use key::{Key, Policy, key};
pub use store::{Entry, Hit, Stats, Store};
