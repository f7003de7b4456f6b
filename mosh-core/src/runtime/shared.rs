//! The process-wide tokio runtime every session runs on: started lazily by the first
//! session, owned by the library, two worker threads. A session is a few microseconds
//! of work per datagram, but one busy moment (a large paste being diffed and
//! compressed for every retransmission on a dead link) must not stall every other
//! session of the app.

use std::io;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::runtime::Runtime;

/// Name of the runtime's threads (seen in a debugger or a thread dump).
const RUNTIME_THREAD_NAME: &str = "mosh-runtime";

/// Most threads the runtime runs blocking work on (nonce-store reservations,
/// snapshot parsing, name resolution, and app listeners called back through
/// `mosh-ffi`): the library's threads stay a small fixed pool however many
/// sessions run. Idle ones exit after tokio's keep-alive (10 s).
const MAX_BLOCKING_THREADS: usize = 4;

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

/// The shared runtime, started on first use. An error (the OS refused a thread or
/// the event loop's descriptors) is kept and returned to every later caller.
pub fn shared_runtime() -> io::Result<&'static Runtime> {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .max_blocking_threads(MAX_BLOCKING_THREADS)
                .thread_name(RUNTIME_THREAD_NAME)
                .enable_all()
                .build()
                .map_err(|error| error.to_string())
        })
        .as_ref()
        .map_err(|error| io::Error::other(error.clone()))
}

/// The wall clock in microseconds since the Unix epoch (the snapshot nonce floor).
pub(crate) fn wall_clock_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_micros().try_into().unwrap_or(u64::MAX))
}
