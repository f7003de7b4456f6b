//! Where the library's log goes: os_log on Apple platforms (feature `oslog`, on by
//! default), logcat on Android, stderr elsewhere. Nothing the library logs contains key material.

use std::sync::Once;

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

static INSTALL: Once = Once::new();

/// Routes the library's log to the platform's log at `level`. Call once at start-up;
/// later calls change only the level.
#[uniffi::export]
pub fn init_logging(level: LogLevel) {
    INSTALL.call_once(install);
    log::set_max_level(level.into());
}

#[cfg(target_os = "android")]
fn install() {
    android_logger::init_once(
        android_logger::Config::default()
            .with_tag("mosh")
            .with_max_level(log::LevelFilter::Trace),
    );
}

#[cfg(all(any(target_os = "ios", target_os = "macos"), feature = "oslog"))]
fn install() {
    // Another logger already installed by the app keeps the log.
    let _ = oslog::OsLogger::new("dev.moshmobile").init();
}

#[cfg(not(any(
    target_os = "android",
    all(any(target_os = "ios", target_os = "macos"), feature = "oslog")
)))]
fn install() {
    // Another logger already installed by the host program keeps the log.
    let _ = log::set_logger(&STDERR);
}

#[cfg(not(any(
    target_os = "android",
    all(any(target_os = "ios", target_os = "macos"), feature = "oslog")
)))]
static STDERR: StderrLogger = StderrLogger;

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
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            eprintln!(
                "mosh {} {}: {}",
                record.level(),
                record.target(),
                record.args()
            );
        }
    }

    fn flush(&self) {}
}
