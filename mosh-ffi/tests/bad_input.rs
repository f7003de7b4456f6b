//! Bad input to the exported API gets a clear typed error, and nothing else breaks:
//! a malformed or wrong key, an unknown host, port 0, damaged or foreign snapshots,
//! a 0×0 window.

mod support;

use std::sync::Arc;
use std::time::Duration;

use mosh_ffi::{
    CloseReason, MoshError, SavedSession, Session, SessionKey, SessionOptions, parse_connect,
};
use support::{
    Recorder, WAIT, config, connect, our_server, restore, type_line, wait, wait_for_text,
};

const SOME_KEY: &str = "AAECAwQFBgcICQoLDA0ODw";

/// Connects with `key` as typed: a malformed one fails at `SessionKey::parse`.
fn connect_to(host: &str, port: u16, key: &str) -> Result<Arc<Session>, MoshError> {
    let key = SessionKey::parse(key.to_owned())?;
    let mut settings = config(host, port, SOME_KEY);
    settings.key = key;
    wait(Session::connect(settings))
}

#[test]
fn malformed_arguments_fail_at_once() {
    assert!(matches!(
        connect_to("127.0.0.1", 60001, "short"),
        Err(MoshError::InvalidKey { .. })
    ));
    assert!(matches!(
        connect_to("127.0.0.1", 60001, "!!!!!!!!!!!!!!!!!!!!!!"),
        Err(MoshError::InvalidKey { .. })
    ));
    assert_eq!(
        connect_to("127.0.0.1", 0, SOME_KEY).err(),
        Some(MoshError::InvalidPort { port: 0 })
    );
    assert!(matches!(
        connect_to("  ", 60001, SOME_KEY),
        Err(MoshError::InvalidHost { .. })
    ));
    let mut zero = config("127.0.0.1", 60001, SOME_KEY);
    zero.columns = 0;
    assert!(matches!(
        wait(Session::connect(zero)).map(|_| ()),
        Err(MoshError::InvalidSize { columns: 0, .. })
    ));
    assert!(matches!(
        parse_connect("no line".into()),
        Err(MoshError::NoConnectLine { .. })
    ));
    assert!(matches!(
        parse_connect("MOSH CONNECT 60001 short\n".into()),
        Err(MoshError::InvalidKey { .. })
    ));
    let info = parse_connect(format!("\r\nMOSH CONNECT 60001 {SOME_KEY}\r\n")).unwrap();
    assert_eq!(info.port, 60001);
    assert_eq!(info.key, SessionKey::parse(SOME_KEY.into()).unwrap());
    assert_eq!(info.key.fingerprint().len(), 16);
}

#[test]
fn an_unknown_host_closes_the_session_with_a_reason() {
    let recorder = Arc::new(Recorder::default());
    let session = connect(
        config("no-such-host.invalid", 60001, SOME_KEY),
        recorder.clone(),
    )
    .unwrap();
    assert_eq!(recorder.closed(WAIT), CloseReason::HostNotFound);
    assert_eq!(
        session.send_input(b"x".to_vec()),
        Err(MoshError::SessionClosed)
    );
}

#[test]
fn a_wrong_key_times_out_and_the_server_is_unharmed() {
    let server = our_server();
    let recorder = Arc::new(Recorder::default());
    let started = std::time::Instant::now();
    let _wrong = connect(config("127.0.0.1", server.port, SOME_KEY), recorder.clone()).unwrap();
    assert_eq!(
        recorder.closed(Duration::from_secs(20)),
        CloseReason::ConnectTimedOut
    );
    // As documented: 15 s after connect, not after a shutdown handshake on top.
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(14_900) && took < Duration::from_millis(16_000),
        "ConnectTimedOut after {took:?}"
    );
    let right = connect_to("127.0.0.1", server.port, &server.key).unwrap();
    type_line(&right, "echo fine''now");
    wait_for_text(&right, "finenow", WAIT);
}

#[test]
fn damaged_snapshots_and_zero_windows_are_refused() {
    let server = our_server();
    let session = connect_to("127.0.0.1", server.port, &server.key).unwrap();
    wait_for_text(&session, "$", WAIT);
    let saved = wait(session.snapshot()).unwrap();
    let restore = |secret: Vec<u8>, state: Vec<u8>| {
        restore(
            SavedSession { secret, state },
            SessionOptions::default(),
            Arc::new(Recorder::default()),
        )
        .map(|_| ())
    };
    assert_eq!(
        restore(b"not a secret at all".to_vec(), saved.state.clone()),
        Err(MoshError::SnapshotForeign)
    );
    let mut damaged = saved.secret.clone();
    damaged[20] ^= 1;
    assert!(matches!(
        restore(damaged, saved.state.clone()),
        Err(MoshError::SnapshotCorrupt { .. })
    ));
    let mut newer = saved.secret.clone();
    newer[9] = 0xff;
    assert!(matches!(
        restore(newer, saved.state.clone()),
        Err(MoshError::SnapshotNewerVersion { .. })
    ));
    // The state: truncated, altered, or from another save of the same session.
    assert_eq!(
        restore(
            saved.secret.clone(),
            saved.state[..saved.state.len() - 3].to_vec()
        ),
        Err(MoshError::StateMismatch)
    );
    let mut flipped = saved.state.clone();
    flipped[20] ^= 1;
    assert_eq!(
        restore(saved.secret.clone(), flipped),
        Err(MoshError::StateMismatch)
    );
    let other = wait(session.snapshot()).unwrap();
    assert_eq!(
        restore(saved.secret.clone(), other.state.clone()),
        Err(MoshError::StateMismatch)
    );
    assert_eq!(
        restore(other.secret.clone(), saved.state.clone()),
        Err(MoshError::StateMismatch)
    );
    // The secret is small; printing the pair shows neither part.
    assert!(saved.secret.len() <= 1024, "{}", saved.secret.len());
    assert!(!format!("{saved:?}").contains("MOSHSECR"));
    assert_eq!(
        session.resize(0, 0),
        Err(MoshError::InvalidSize {
            columns: 0,
            rows: 0
        })
    );
    // Nothing else broke: input still flows.
    type_line(&session, "echo after''zero");
    wait_for_text(&session, "afterzero", WAIT);
}

#[test]
fn bootstrap_helpers_logging_and_version() {
    let command = mosh_ffi::server_command(mosh_ffi::ServerCommandOptions {
        server: "/opt/mosh server".into(),
        colors: 256,
        bind_ssh_address: true,
        port: Some("60001:60010".into()),
        lang: "en_US.UTF-8".into(),
        command: vec!["tmux".into(), "new -A".into()],
    });
    assert_eq!(
        command,
        "'/opt/mosh server' 'new' '-c' '256' '-s' '-p' '60001:60010' '-l' 'LANG=en_US.UTF-8' '--' 'tmux' 'new -A'"
    );
    // Logging can be set up more than once (only the level changes), and logging a
    // connect configuration never shows the key.
    mosh_ffi::init_logging(mosh_ffi::LogLevel::Info);
    mosh_ffi::init_logging(mosh_ffi::LogLevel::Warn);
    let shown = format!("{:?}", config("h", 1, SOME_KEY));
    assert!(!shown.contains(SOME_KEY), "{shown}");
    let info = parse_connect(format!("MOSH CONNECT 60001 {SOME_KEY}\n")).unwrap();
    assert!(!format!("{info:?}").contains(SOME_KEY));
    assert!(format!("{info:?}").contains(&info.key.fingerprint()));
    let version = mosh_ffi::version();
    assert_eq!(version.library, env!("CARGO_PKG_VERSION"));
    assert!(version.protocol.contains("mosh 1.4"));
}

/// Collects what the library logs into the app's own sink.
#[derive(Default)]
struct AppLog(std::sync::Mutex<Vec<(mosh_ffi::LogLevel, String, String)>>);

impl mosh_ffi::LogSink for AppLog {
    fn log(&self, level: mosh_ffi::LogLevel, target: String, message: String) {
        self.0.lock().unwrap().push((level, target, message));
    }
}

#[test]
fn the_apps_log_sink_gets_the_librarys_records_and_never_a_key() {
    let server = our_server();
    let sink = Arc::new(AppLog::default());
    mosh_ffi::set_log_sink(Some(sink.clone()), mosh_ffi::LogLevel::Debug);
    let session = connect_to("127.0.0.1", server.port, &server.key).unwrap();
    wait_for_text(&session, "$", WAIT);
    session.network_changed().unwrap();
    session.shutdown();
    assert_eq!(wait(session.closed()), CloseReason::Closed);
    mosh_ffi::set_log_sink(None, mosh_ffi::LogLevel::Info);
    let records = sink.0.lock().unwrap().clone();
    assert!(
        records
            .iter()
            .any(|(level, _, message)| *level == mosh_ffi::LogLevel::Info
                && message.contains("network changed")),
        "{records:#?}"
    );
    assert!(
        records
            .iter()
            .all(|(_, target, _)| target.starts_with("mosh"))
    );
    assert!(
        !records
            .iter()
            .any(|(_, _, message)| message.contains(&server.key)),
        "a record shows the key"
    );
}
