//! The nonce scenarios of `mosh-core/tests/nonce_scenarios.rs` with real processes:
//! `mosh-resume` children restoring one snapshot through a relay in front of our
//! server, which records every client datagram's nonce and which socket sent it.

mod support;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use mosh_core::crypto::sequence_plan::LANE_BITS;
use mosh_ffi::SessionOptions;
use support::{
    NonceRelay, Recorder, Scratch, WAIT, config, connect, our_server, type_line, wait,
    wait_for_text,
};

/// A session through `relay` that reserved its numbers in `store`, used and saved:
/// the snapshot's path.
fn saved_session(relay: &NonceRelay, key: &str, store: &Path, scratch: &Scratch) -> PathBuf {
    let mut settings = config("127.0.0.1", relay.addr.port(), key);
    settings.options = SessionOptions {
        nonce_store_dir: Some(store.to_string_lossy().into_owned()),
        ..SessionOptions::default()
    };
    let session = connect(settings, Arc::new(Recorder::default())).unwrap();
    wait_for_text(&session, "$", WAIT);
    type_line(&session, "echo saved''now");
    wait_for_text(&session, "savednow", WAIT);
    let file = scratch.0.join("snapshot");
    support::write_saved(&file, &wait(session.snapshot()).unwrap());
    drop(session);
    file
}

/// A `mosh-resume` child restoring `snapshot` (with `store`, if any) that types a
/// line and runs for 3 s.
fn resume(snapshot: &Path, store: Option<&Path>) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mosh-resume"));
    if let Some(store) = store {
        command.arg("--nonce-store").arg(store);
    }
    command
        .arg(snapshot)
        .arg("echo resumed''here\\r")
        .arg("resumedhere")
        .arg("3")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for `child`; it must have restored (exit 0 or 1: resumed or not, but never
/// 2, a restore that was refused).
fn restored(child: Child) {
    let output = child.wait_with_output().unwrap();
    assert_ne!(
        output.status.code(),
        Some(2),
        "the restore was refused: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Two `mosh-resume` children restoring `snapshot` at once: the lanes each of their
/// sockets sent in, as the relay saw them.
fn two_at_once(relay: &NonceRelay, snapshot: &Path, store: Option<&Path>) -> Vec<HashSet<u64>> {
    let before: HashSet<SocketAddr> = relay.by_source().into_keys().collect();
    let (a, b) = (resume(snapshot, store), resume(snapshot, store));
    restored(a);
    restored(b);
    relay
        .by_source()
        .into_iter()
        .filter(|(source, _)| !before.contains(source))
        .map(|(_, seqs)| seqs.iter().map(|s| s % (1 << LANE_BITS)).collect())
        .collect()
}

#[test]
fn two_processes_restore_one_snapshot_at_once() {
    let server = our_server();
    let relay = NonceRelay::start(SocketAddr::from(([127, 0, 0, 1], server.port)));
    let scratch = Scratch::new("concurrent");
    let store = scratch.0.join("nonces");
    let snapshot = saved_session(&relay, &server.key, &store, &scratch);
    // Two processes on one store (an app and its extension), started together.
    let with_store = two_at_once(&relay, &snapshot, Some(&store));
    assert_eq!(with_store.len(), 2, "both processes sent");
    assert!(
        with_store.iter().all(|lanes| lanes.len() == 1) && with_store[0] != with_store[1],
        "each process keeps one lane of its own: {with_store:?}"
    );
    // Two more without a store: random lanes (apart with probability 1 - 2^-16).
    let without_store = two_at_once(&relay, &snapshot, None);
    assert_eq!(without_store.len(), 2, "both processes sent");
    let (datagrams, repeated) = relay.counts();
    println!("{datagrams} client datagrams from five processes, {repeated} repeated nonces");
    assert_eq!(repeated, 0, "a nonce was sent twice");
}

#[test]
fn a_backup_restored_between_two_relaunches() {
    let server = our_server();
    let relay = NonceRelay::start(SocketAddr::from(([127, 0, 0, 1], server.port)));
    let scratch = Scratch::new("rollback");
    let store = scratch.0.join("nonces");
    let snapshot = saved_session(&relay, &server.key, &store, &scratch);
    // The device is backed up with the store and the snapshot.
    let backup: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&store)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    restored(resume(&snapshot, Some(&store)));
    let (after_first, _) = relay.counts();
    // The device is restored from that backup, and the app relaunches.
    std::fs::remove_dir_all(&store).unwrap();
    std::fs::create_dir_all(&store).unwrap();
    for (path, bytes) in &backup {
        std::fs::write(path, bytes).unwrap();
    }
    restored(resume(&snapshot, Some(&store)));
    // And once more after the store was deleted outright.
    std::fs::remove_dir_all(&store).unwrap();
    restored(resume(&snapshot, Some(&store)));
    let (datagrams, repeated) = relay.counts();
    println!("{datagrams} client datagrams, {repeated} repeated nonces");
    assert!(datagrams > after_first, "the later relaunches sent");
    assert_eq!(repeated, 0, "a nonce was sent twice");
}
