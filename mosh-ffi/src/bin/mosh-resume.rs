//! `mosh-resume [--nonce-store DIR] SAVED TYPE EXPECT [SECONDS]`: restores a saved
//! session (the files `SAVED.secret` and `SAVED.state`, the two parts of a
//! `SavedSession`) as an app does at launch after it was killed (reserving its
//! sequence numbers in the nonce store `DIR` if given), types `TYPE` (`\r` ends a
//! line), and waits up to `SECONDS` (default 15) for `EXPECT` on the screen. Prints
//! the screen; exits 0 when `EXPECT` showed, 1 when it did not, 2 on bad arguments or
//! a save that does not restore. For checking by hand that a saved session still
//! resumes, and the "new process" of the end-to-end restore tests. The secret file
//! unlocks the session: treat it as the key.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use mosh_ffi::{SavedSession, Session, SessionOptions};

fn screen_text(session: &Session) -> String {
    let rows: Vec<String> = session.screen().rows.iter().map(|row| row.text()).collect();
    rows.join("\n")
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut options = SessionOptions::default();
    if args.first().map(String::as_str) == Some("--nonce-store") && args.len() > 1 {
        options.nonce_store_dir = Some(args.remove(1));
        args.remove(0);
    }
    let (file, typed, expect) = match &args[..] {
        [file, typed, expect] | [file, typed, expect, _] => (file, typed, expect),
        _ => {
            eprintln!("usage: mosh-resume [--nonce-store DIR] SAVED TYPE EXPECT [SECONDS]");
            return ExitCode::from(2);
        }
    };
    let limit = match args.get(3).map(|s| s.parse::<u64>()) {
        None => Duration::from_secs(15),
        Some(Ok(seconds)) => Duration::from_secs(seconds),
        Some(Err(_)) => {
            eprintln!("mosh-resume: SECONDS must be a whole number");
            return ExitCode::from(2);
        }
    };
    let read = |part: &str| std::fs::read(format!("{file}.{part}")).map_err(|e| e.to_string());
    let restored = read("secret")
        .and_then(|secret| {
            Ok(SavedSession {
                secret,
                state: read("state")?,
            })
        })
        .and_then(|saved| {
            // The screen is polled; events are not needed. The library's runtime
            // drives the restore: this thread only waits for it.
            mosh_core::runtime::shared_runtime()
                .map_err(|e| e.to_string())?
                .block_on(Session::restore(saved, options))
                .map_err(|e| e.to_string())
        });
    let session = match restored {
        Ok(session) => session,
        Err(error) => {
            eprintln!("mosh-resume: {file}: {error}");
            return ExitCode::from(2);
        }
    };
    let typed = typed.replace("\\r", "\r");
    if let Err(error) = session.send_input(typed.into_bytes()) {
        eprintln!("mosh-resume: {error}");
        return ExitCode::from(2);
    }
    let start = Instant::now();
    while !screen_text(&session).contains(expect.as_str()) && start.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(5));
    }
    let screen = screen_text(&session);
    println!("{screen}");
    if screen.contains(expect.as_str()) {
        ExitCode::SUCCESS
    } else {
        eprintln!("mosh-resume: {expect:?} did not show within {limit:?}");
        ExitCode::FAILURE
    }
}
