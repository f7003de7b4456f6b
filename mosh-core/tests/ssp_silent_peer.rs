//! Timing towards a peer that stopped answering, on the simulated network (issue 18):
//! the server backs off instead of waking a suspended phone at the frame rate, is back
//! at full speed on the first datagram from it, and the awake client's probes find
//! the link again quickly when a dead link returns.

mod common;

use std::time::{Duration, Instant};

use common::netsim::{Link, Sim, for_each_seed};
use mosh_core::protocol::ssp::constants::{ACK_INTERVAL, SILENT_PEER_PROBE_INTERVAL};

const MS: Duration = Duration::from_millis(1);
const SECOND: Duration = Duration::from_secs(1);

/// One-way delays the tests run at: loopback, a good and a poor mobile link.
const DELAYS_MS: [u64; 3] = [1, 100, 250];

/// An 80×24 screen of text (about 1 KB after compression, one fragment).
fn screen(tag: u64) -> Vec<u8> {
    (0..24)
        .map(|row| {
            format!(
                "{tag:>6} row {row:>2} {}\n",
                "lorem ipsum dolor sit amet ".repeat(2)
            )
        })
        .collect::<String>()
        .into_bytes()
}

/// A session that has been busy and in contact, then stops answering (its app is
/// suspended) just after the screen changed. Returns the simulation and the moment
/// the client went silent.
fn silent_after_a_change(seed: u64, delay_ms: u64) -> (Sim, Instant) {
    let link = Link::delay_ms(delay_ms);
    let mut sim = Sim::new(seed, link, link);
    for tag in 0..30 {
        sim.set_screen(screen(tag));
        sim.run_for(200 * MS);
    }
    let silent_from = sim.now;
    sim.sleep_client_until(silent_from + 10 * 60 * SECOND);
    sim.set_screen(screen(1000));
    (sim, silent_from)
}

fn sends_per_second(sim: &Sim, from: Instant, seconds: usize) -> Vec<usize> {
    let mut per_second = vec![0; seconds];
    for &(at, _) in &sim.server_sends {
        if at >= from {
            let second = (at - from).as_secs() as usize;
            if second < seconds {
                per_second[second] += 1;
            }
        }
    }
    per_second
}

#[test]
fn a_silent_client_gets_at_most_thirty_datagrams_in_its_first_minute() {
    for delay_ms in DELAYS_MS {
        for keeps_changing in [false, true] {
            for_each_seed("silent client", 1..=3, |seed| {
                let (mut sim, silent_from) = silent_after_a_change(seed, delay_ms);
                let mut tag = 2000;
                while sim.now < silent_from + 60 * SECOND {
                    sim.run_for(100 * MS);
                    if keeps_changing {
                        // A clock or `top` on the screen: a new frame every 100 ms.
                        tag += 1;
                        sim.set_screen(screen(tag));
                    }
                }
                let per_second = sends_per_second(&sim, silent_from, 60);
                let total: usize = per_second.iter().sum();
                assert!(
                    total <= 30,
                    "{sim}, screen changing {keeps_changing}: {total} datagrams in 60 s, per second {per_second:?}"
                );
                // Not silence either: heartbeats go on (until the 40 s association
                // timeout), so a returning link hears from the server.
                let heartbeat_seconds = per_second[..39].iter().filter(|&&n| n > 0).count();
                assert!(
                    heartbeat_seconds >= 39 / ACK_INTERVAL.as_secs() as usize,
                    "{sim}: sends only in {heartbeat_seconds} of the first 39 seconds: {per_second:?}"
                );
            });
        }
    }
}

#[test]
fn the_server_is_back_at_full_speed_on_the_first_datagram_from_the_client() {
    for delay_ms in DELAYS_MS {
        for_each_seed("full speed again", 1..=3, |seed| {
            let (mut sim, silent_from) = silent_after_a_change(seed, delay_ms);
            sim.run_until(silent_from + 20 * SECOND);
            // The phone wakes and types; from the moment its datagram arrives the
            // server sends every new frame at the frame rate again.
            sim.sleep_client_until(sim.now);
            sim.type_keys(b"x");
            sim.run_for(Duration::from_millis(2 * delay_ms + 300));
            let burst_from = sim.now;
            let mut tag = 3000;
            while sim.now < burst_from + 2 * SECOND {
                tag += 1;
                sim.set_screen(screen(tag));
                sim.run_for(50 * MS);
            }
            let sent = sim
                .server_sends
                .iter()
                .filter(|&&(at, _)| at >= burst_from)
                .count();
            let interval = sim.server.send_interval().max(50 * MS);
            let full_speed = (2 * SECOND).as_millis() / interval.as_millis();
            assert!(
                sent as u128 >= full_speed * 8 / 10,
                "{sim}: {sent} datagrams in 2 s of new frames, expected about {full_speed}"
            );
        });
    }
}

#[test]
fn after_a_thirty_second_dead_link_the_newest_screen_arrives_within_a_second() {
    for delay_ms in DELAYS_MS {
        let mut took = Vec::new();
        let mut bound = Duration::ZERO;
        for seed in 1..=40 {
            let link = Link::delay_ms(delay_ms);
            let mut sim = Sim::new(seed, link, link);
            for tag in 0..20 {
                sim.set_screen(screen(tag));
                let pause = Duration::from_millis(100 + sim.below(300));
                sim.run_for(pause);
            }
            // The link dies for 30–33 s (where the heartbeats' phase falls when it
            // returns varies); output goes on meanwhile.
            let down = sim.now;
            let outage = 30 * SECOND + Duration::from_millis(sim.below(3000));
            sim.blackout(down, outage);
            let back = down + outage;
            let mut tag = 100;
            while sim.now < back {
                tag += 1;
                sim.set_screen(screen(tag));
                let pause = Duration::from_millis(50 + sim.below(1000));
                sim.run_until((sim.now + pause).min(back));
            }
            let newest = sim.server.current().bytes().to_vec();
            while sim.client.remote_state().bytes() != newest.as_slice() {
                sim.run_for(MS);
                assert!(sim.now - back < 10 * SECOND, "{sim}: no recovery in 10 s");
            }
            took.push(sim.now - back);
            // The client's probes bound it: a probe interval and a round trip, plus
            // the time a frame the server sent just before is presumed delivered.
            let presumed = sim.server.rto() + 100 * MS;
            bound = bound.max(
                SILENT_PEER_PROBE_INTERVAL
                    + Duration::from_millis(2 * delay_ms)
                    + presumed
                    + 50 * MS,
            );
        }
        took.sort();
        let median = took[took.len() / 2];
        eprintln!(
            "one-way {delay_ms} ms: recovery median {median:?}, p90 {:?}, max {:?}",
            took[took.len() * 9 / 10],
            took[took.len() - 1]
        );
        assert!(
            median <= SECOND,
            "one-way {delay_ms} ms: median recovery {median:?}, all {took:?}"
        );
        assert!(
            took.iter().all(|&t| t <= bound),
            "one-way {delay_ms} ms: recoveries {took:?} above {bound:?}"
        );
    }
}

#[test]
fn a_client_that_hears_nothing_probes_every_half_second_and_a_healthy_one_does_not() {
    let link = Link::delay_ms(50);
    let mut sim = Sim::new(9, link, link);
    sim.set_screen(screen(1));
    sim.run_for(10 * SECOND);
    let idle_from = sim.now;
    let before = sim.datagrams.0;
    sim.run_for(60 * SECOND);
    let idle_sends = sim.datagrams.0 - before;
    assert!(
        idle_sends <= 21,
        "healthy idle client sent {idle_sends} datagrams a minute"
    );
    let down = sim.now;
    sim.blackout(down, 60 * SECOND);
    let before = sim.datagrams.0;
    sim.run_for(60 * SECOND);
    let probes = sim.datagrams.0 - before;
    // Silence is noticed after a heartbeat interval and an RTO; then one probe per
    // interval.
    assert!(
        (100..=121).contains(&probes),
        "{sim}: {probes} datagrams in a minute without the server (idle from {:?})",
        idle_from - sim.start
    );
}
