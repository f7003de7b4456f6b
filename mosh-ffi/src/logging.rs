//! Where the library's log goes: os_log on Apple platforms (feature `oslog`, on by
//! default), logcat on Android, stderr elsewhere, and the app's own [`LogSink`] if it
//! sets one. Nothing the library logs contains key material.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

/// The most detailed level to log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogLevel {
    /// Nothing.
    Off,
    /// Failures.
    Error,
    /// Problems the session recovers from.
    Warn,
    /// Connect, roam, background/foreground, resync, close.
    Info,
    /// Details for debugging a session.
    Debug,
    /// Everything.
    Trace,
}

impl From<LogLevel> for log::LevelFilter {
    fn from(level: LogLevel) -> Self {
        match level {
            LogLevel::Off => log::LevelFilter::Off,
            LogLevel::Error => log::LevelFilter::Error,
            LogLevel::Warn => log::LevelFilter::Warn,
            LogLevel::Info => log::LevelFilter::Info,
            LogLevel::Debug => log::LevelFilter::Debug,
            LogLevel::Trace => log::LevelFilter::Trace,
        }
    }
}

/// The app's own log sink (a Kotlin or Swift object): receives the library's records
/// besides the platform log, on whichever library thread logged them. Return
/// promptly; nothing the library logs contains key material.
#[uniffi::export(with_foreign)]
pub trait LogSink: Send + Sync {
    /// One record: its level, the module that logged it, and the message.
    fn log(&self, level: LogLevel, target: String, message: String);
}

impl LogLevel {
    fn of(level: log::Level) -> LogLevel {
        match level {
            log::Level::Error => LogLevel::Error,
            log::Level::Warn => LogLevel::Warn,
            log::Level::Info => LogLevel::Info,
            log::Level::Debug => LogLevel::Debug,
            log::Level::Trace => LogLevel::Trace,
        }
    }
}

/// The one `log` logger the library installs: the platform's log, and the app's
/// sink when one is set.
struct Router {
    platform: Box<dyn log::Log>,
    app: RwLock<Option<Arc<dyn LogSink>>>,
}

impl log::Log for Router {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        self.platform.log(record);
        let app = self
            .app
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(sink) = app {
            let (level, target) = (LogLevel::of(record.level()), record.target().to_owned());
            let message = record.args().to_string();
            // A sink that panics loses its record, never the caller's thread.
            let _ = catch_unwind(AssertUnwindSafe(|| sink.log(level, target, message)));
        }
    }

    fn flush(&self) {
        self.platform.flush();
    }
}

static ROUTER: OnceLock<&'static Router> = OnceLock::new();

/// The router, installed on first use. If the host program already installed a `log`
/// logger, the library's records go to that one, and neither the platform log nor an
/// app sink sees them.
fn router() -> &'static Router {
    ROUTER.get_or_init(|| {
        let router: &'static Router = Box::leak(Box::new(Router {
            platform: platform_logger(),
            app: RwLock::new(None),
        }));
        let _ = log::set_logger(router);
        router
    })
}

/// Routes the library's log to the platform's log at `level`. Call once at start-up;
/// later calls change only the level.
#[uniffi::export]
pub fn init_logging(level: LogLevel) {
    router();
    log::set_max_level(level.into());
}

/// Also sends the library's log at `level` to the app's own `sink` (a crash
/// reporter, the app's log file); `None` removes it. The platform log goes on as
/// `init_logging` set it up.
#[uniffi::export]
pub fn set_log_sink(sink: Option<Arc<dyn LogSink>>, level: LogLevel) {
    let router = router();
    *router.app.write().unwrap_or_else(PoisonError::into_inner) = sink;
    log::set_max_level(level.into());
}

#[cfg(target_os = "android")]
fn platform_logger() -> Box<dyn log::Log> {
    Box::new(android_logger::AndroidLogger::new(
        android_logger::Config::default()
            .with_tag("mosh")
            .with_max_level(log::LevelFilter::Trace),
    ))
}

#[cfg(all(any(target_os = "ios", target_os = "macos"), feature = "oslog"))]
fn platform_logger() -> Box<dyn log::Log> {
    Box::new(oslog::OsLogger::new("dev.moshmobile"))
}

#[cfg(not(any(
    target_os = "android",
    all(any(target_os = "ios", target_os = "macos"), feature = "oslog")
)))]
fn platform_logger() -> Box<dyn log::Log> {
    Box::new(StderrLogger)
}

/// A minimal `log` sink for desktops and tests: one line per record on stderr.
#[cfg(not(any(
    target_os = "android",
    all(any(target_os = "ios", target_os = "macos"), feature = "oslog")
)))]
struct StderrLogger;

#[cfg(not(any(
    target_os = "android",
    all(any(target_os = "ios", target_os = "macos"), feature = "oslog")
)))]
impl log::Log for StderrLogger {
    fn enabled(&self, _metadata: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        eprintln!(
            "mosh {} {}: {}",
            record.level(),
            record.target(),
            record.args()
        );
    }

    fn flush(&self) {}
}
