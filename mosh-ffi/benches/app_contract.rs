//! What the SDK contract costs an app, through the exported API against our server on
//! loopback (`bash scripts/bench-ffi.sh` runs this after building the server):
//!
//! - **The UI thread.** While a session floods (10 s of `seq`), one thread (the app's
//!   main thread) calls every synchronous export in turn, and the first poll of the
//!   async ones (what the caller's thread does before it awaits); the longest and the
//!   99.9th percentile hold per call. The server side runs at the lowest priority,
//!   as another machine would not compete with the phone's UI thread.
//! - **Many sessions.** 20 idle sessions (tabs), each with a subscribed listener and
//!   an open event stream: the process's threads, resident memory and CPU against
//!   none.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Waker};
use std::time::{Duration, Instant};

use mosh_ffi::{Event, Key, KeyModifiers, ListenerError, Session, SessionListener};
use support::{WAIT, config, our_server, type_line, wait, wait_for_text};

/// Ignores events (a view that redraws on its own schedule).
struct Ignore;

impl SessionListener for Ignore {
    fn on_event(&self, _event: Event) -> Result<(), ListenerError> {
        Ok(())
    }
}

/// How long the calling thread is held by the synchronous part of an async call:
/// creating the future and its first poll (which posts the command).
fn first_poll<F: Future>(future: F) -> Duration {
    let start = Instant::now();
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    let _ = future.as_mut().poll(&mut context);
    start.elapsed()
}

/// (voluntary, involuntary) context switches of the calling thread so far: a call
/// during which the first grows blocked (waited for a lock or a wake-up); one during
/// which the second grows was preempted by the scheduler.
#[allow(unsafe_code)] // getrusage has no safe wrapper in std; the block says why it is sound.
fn context_switches() -> (i64, i64) {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `usage` is a valid, writable, zero-initialised `rusage` we own; with
    // RUSAGE_THREAD (Linux) getrusage fills it for the calling thread and returns 0, or
    // returns -1 leaving it zeroed, which is still a valid `rusage` (plain integers).
    unsafe {
        libc::getrusage(libc::RUSAGE_THREAD, usage.as_mut_ptr());
        let usage = usage.assume_init();
        (usage.ru_nvcsw, usage.ru_nivcsw)
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ui_thread_holds() {
    let server = our_server();
    let session = wait(Session::connect(config(
        "127.0.0.1",
        server.port,
        &server.key,
    )))
    .unwrap();
    let _listening = session.subscribe(Arc::new(Ignore)).unwrap();
    wait_for_text(&session, "$", WAIT);
    // The server, its shell and `seq` stand for another machine: on a phone they do
    // not compete with the UI thread for the CPU, so here they run at the lowest
    // priority (they still take every cycle the phone side leaves).
    std::process::Command::new("renice")
        .args(["-n", "19", "-p", &server.pid.to_string()])
        .output()
        .expect("renice");
    type_line(
        &session,
        "renice -n 19 $$ >/dev/null; timeout 10 seq 1 999999999; echo flood''done",
    );
    let mut holds: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut waits: BTreeMap<&str, u32> = BTreeMap::new();
    // Calls during which the thread neither waited nor was preempted: the time the
    // library itself held it.
    let mut own: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut time = |name: &'static str, call: &mut dyn FnMut()| {
        let before = context_switches();
        let start = Instant::now();
        call();
        let held = start.elapsed();
        let after = context_switches();
        holds.entry(name).or_default().push(held);
        if after.0 > before.0 {
            *waits.entry(name).or_default() += 1;
        } else if after.1 == before.1 {
            own.entry(name).or_default().push(held);
        }
    };
    let until = Instant::now() + Duration::from_secs(10);
    let mut round = 0u32;
    while Instant::now() < until {
        round += 1;
        time("screen", &mut || drop(session.screen()));
        time("screen_update(1 row)", &mut || {
            drop(session.screen_update(vec![5]))
        });
        time("status", &mut || {
            let _ = session.status();
        });
        time("scrollback_len", &mut || {
            let _ = session.scrollback_len();
        });
        time("scrollback(0, 50)", &mut || drop(session.scrollback(0, 50)));
        time("send_input", &mut || {
            session.send_input(Vec::new()).unwrap()
        });
        time("send_key", &mut || {
            session
                .send_key(Key::Right, KeyModifiers::default())
                .unwrap()
        });
        time("paste", &mut || session.paste(String::new()).unwrap());
        time("resize", &mut || session.resize(80, 24).unwrap());
        time("enter_foreground", &mut || {
            session.enter_foreground().unwrap()
        });
        time("events + cancel", &mut || session.events().cancel());
        time("subscribe + cancel", &mut || {
            session.subscribe(Arc::new(Ignore)).unwrap().cancel()
        });
        time("snapshot (first poll)", &mut || {
            first_poll(session.snapshot());
        });
        if round.is_multiple_of(100) {
            time("network_changed", &mut || {
                session.network_changed().unwrap()
            });
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    wait_for_text(&session, "flooddone", Duration::from_secs(120));
    println!(
        "UI thread holds per call while a session floods (10 s of seq, {round} rounds; \
         'blocked': calls during which the thread waited, not only ran or was preempted):"
    );
    let mut all = Vec::new();
    let mut blocked = 0;
    for (name, mut samples) in holds {
        samples.sort();
        let waited = waits.get(name).copied().unwrap_or(0);
        println!(
            "  {name:<24} p50 {:>9.1?}  p99.9 {:>9.1?}  max {:>9.1?}  ({} calls, {waited} blocked)",
            percentile(&samples, 0.5),
            percentile(&samples, 0.999),
            samples.last().unwrap(),
            samples.len()
        );
        all.extend(samples);
        blocked += waited;
    }
    all.sort();
    println!(
        "  {:<24} p50 {:>9.1?}  p99.9 {:>9.1?}  max {:>9.1?}  ({} calls, {blocked} blocked)",
        "every call",
        percentile(&all, 0.5),
        percentile(&all, 0.999),
        all.last().unwrap(),
        all.len()
    );
    println!(
        "The library's own hold: calls during which the thread was neither blocked nor preempted:"
    );
    let mut mine = Vec::new();
    for (name, mut samples) in own {
        samples.sort();
        println!(
            "  {name:<24} p99.9 {:>9.1?}  max {:>9.1?}  ({} calls)",
            percentile(&samples, 0.999),
            samples.last().unwrap(),
            samples.len()
        );
        mine.extend(samples);
    }
    mine.sort();
    println!(
        "  {:<24} p99.9 {:>9.1?}  max {:>9.1?}  ({} calls)",
        "every call",
        percentile(&mine, 0.999),
        mine.last().unwrap(),
        mine.len()
    );
    session.shutdown();
}

/// (threads, VmRSS KiB, CPU time) of this process.
fn process_now() -> (usize, u64, Duration) {
    let threads = std::fs::read_dir("/proc/self/task").map_or(0, |d| d.count());
    let rss = support::process_sample("self").0;
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces): utime is 14th, stime 15th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
    // USER_HZ is 100 on Linux.
    (threads, rss, Duration::from_millis(ticks * 10))
}

fn many_sessions() {
    const SESSIONS: usize = 20;
    let servers: Vec<_> = (0..SESSIONS).map(|_| our_server()).collect();
    // The runtime is started by a first call; measure from there.
    drop(mosh_core::runtime::shared_runtime());
    let (threads_before, rss_before, _) = process_now();
    let mut tabs = Vec::new();
    for server in &servers {
        let session = wait(Session::connect(config(
            "127.0.0.1",
            server.port,
            &server.key,
        )))
        .unwrap();
        let subscription = session.subscribe(Arc::new(Ignore)).unwrap();
        let stream = session.events();
        tabs.push((session, subscription, stream));
    }
    for (session, _, _) in &tabs {
        wait_for_text(session, "$", WAIT);
    }
    // Idle: heartbeats only.
    std::thread::sleep(Duration::from_secs(5));
    let (threads_idle, rss_idle, cpu_start) = process_now();
    let idle_for = Duration::from_secs(30);
    std::thread::sleep(idle_for);
    let (threads_after, rss_after, cpu_end) = process_now();
    let per_session = (rss_after.max(rss_idle) - rss_before) / SESSIONS as u64;
    println!(
        "{SESSIONS} idle sessions (each with a listener and an open stream): threads {threads_before} → {threads_idle} (after {idle_for:?}: {threads_after}); \
         RSS {rss_before} KiB → {rss_after} KiB ({per_session} KiB per session); \
         CPU {:?} in {idle_for:?} idle ({:.2} % of one core)",
        cpu_end - cpu_start,
        (cpu_end - cpu_start).as_secs_f64() / idle_for.as_secs_f64() * 100.0
    );
    for (session, _, _) in &tabs {
        session.shutdown();
    }
}

fn main() {
    ui_thread_holds();
    many_sessions();
}
