//! Property tests of the SSP transport on the simulated network (tests/common/netsim.rs):
//! convergence under loss, delay, jitter, duplication and reordering; resync after
//! long blackouts and a sleeping phone; the server following the client's address;
//! bounded state lists; idle wake-ups; shutdown; resuming.

mod common;

use std::time::Duration;

use common::netsim::{Link, Sim, for_each_seed};
use mosh_core::protocol::ssp::Transport;
use mosh_core::protocol::ssp::constants::{
    ACK_INTERVAL, SERVER_ASSOCIATION_TIMEOUT, SHUTDOWN_MAX_RETRIES,
};

const MS: Duration = Duration::from_millis(1);
const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);

/// Random activity on both sides for `length`: typing, resizes, screen changes of
/// every size (large ones need several fragments).
fn activity(sim: &mut Sim, length: Duration) {
    let end = sim.now + length;
    while sim.now < end {
        let pause = Duration::from_millis(20 + sim.below(800));
        sim.run_for(pause);
        match sim.below(20) {
            0..=10 => {
                let len = 1 + sim.below(6) as usize;
                let keys: Vec<u8> = (0..len).map(|_| b'a' + sim.below(26) as u8).collect();
                sim.type_keys(&keys);
            }
            11 => {
                let (w, h) = (20 + sim.below(200) as u16, 5 + sim.below(60) as u16);
                sim.resize(w, h);
            }
            _ => {
                let mut screen = sim.server.current().bytes().to_vec();
                if screen.is_empty() || sim.below(5) == 0 {
                    let len = 100 + sim.below(3500) as usize;
                    screen = (0..len).map(|_| sim.below(256) as u8).collect();
                } else {
                    for _ in 0..1 + sim.below(4) {
                        let at = sim.below(screen.len() as u64) as usize;
                        screen[at] = screen[at].wrapping_add(1);
                    }
                }
                sim.set_screen(screen);
            }
        }
    }
}

/// A link with impairments drawn from the seed, within the issue's ranges: loss up
/// to 50 %, one-way delay up to 1 s.
fn random_link(sim_seed: u64, salt: u64) -> Link {
    // Scrambled so that small seeds do not start the generator on small values.
    let mixed = (sim_seed ^ salt << 32).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut rng = common::xorshift::XorShift64::new(mixed);
    let mut unit = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let delay = Duration::from_millis((unit() * 1000.0) as u64);
    Link {
        delay,
        jitter: delay.mul_f64(unit() * 0.5),
        loss: unit() * 0.5,
        duplicate: unit() * 0.1,
        reorder: unit() * 0.2,
    }
}

fn assert_converges(sim: &mut Sim, limit: Duration) -> Duration {
    match sim.run_until_converged(100 * MS, limit) {
        Some(took) => took,
        None => panic!(
            "no convergence within {limit:?}: {sim}; client holds screen {} bytes, server holds {} events of {} typed",
            sim.client.remote_state().bytes().len(),
            sim.server.remote_state().len(),
            sim.typed.len()
        ),
    }
}

#[test]
fn converges_under_loss_delay_jitter_duplication_and_reordering() {
    for_each_seed("convergence", 1..=40, |seed| {
        let (up, down) = match seed {
            // The corners of the required range.
            1 => (
                Link {
                    loss: 0.5,
                    ..Link::delay_ms(1000)
                },
                Link {
                    loss: 0.5,
                    ..Link::delay_ms(1000)
                },
            ),
            2 => (
                Link {
                    loss: 0.5,
                    ..Link::delay_ms(0)
                },
                Link {
                    loss: 0.5,
                    ..Link::delay_ms(0)
                },
            ),
            _ => (random_link(seed, 1), random_link(seed, 2)),
        };
        let mut sim = Sim::new(seed, up, down);
        activity(&mut sim, 2 * MINUTE);
        assert_converges(&mut sim, 5 * MINUTE);
        // And it stays converged: heartbeats change nothing.
        sim.run_for(30 * SECOND);
        assert!(sim.converged(), "diverged after converging: {sim}");
        assert!(
            sim.max_sent_states <= 32,
            "{sim}: {} sent states",
            sim.max_sent_states
        );
    });
}

/// The time a perfect link needs after it returns: one round trip for each
/// direction's update and its ack, plus the collection and ack delays.
fn few_rtts(delay: Duration) -> Duration {
    delay * 2 * 3 + 250 * MS
}

#[test]
fn resynchronizes_after_a_thirty_minute_blackout() {
    for_each_seed("blackout", 1..=4, |seed| {
        let delay = Duration::from_millis(20 + 60 * seed);
        let link = Link::delay_ms(delay.as_millis() as u64);
        let mut sim = Sim::new(seed, link, link);
        activity(&mut sim, 20 * SECOND);
        assert_converges(&mut sim, 30 * SECOND);
        let down_at = sim.now;
        let length = 30 * MINUTE;
        sim.blackout(down_at, length);
        activity(&mut sim, 20 * SECOND);
        sim.run_until(down_at + length);
        assert!(sim.server.is_detached(), "{sim}: server still attached");
        assert!(sim.max_client_sockets <= 10, "{sim}");
        // Both sides stay alive; a client that was not told about the network only
        // probes at the heartbeat pace once the server has been silent 10 s.
        let took = assert_converges(&mut sim, MINUTE);
        assert!(
            took <= ACK_INTERVAL + few_rtts(delay),
            "{sim}: resync took {took:?}"
        );
    });
}

#[test]
fn resynchronizes_within_a_few_rtts_when_told_the_network_is_back() {
    for_each_seed("blackout+network_changed", 1..=4, |seed| {
        let delay = Duration::from_millis(20 + 60 * seed);
        let link = Link::delay_ms(delay.as_millis() as u64);
        let mut sim = Sim::new(seed, link, link);
        activity(&mut sim, 20 * SECOND);
        let down_at = sim.now;
        sim.blackout(down_at, 30 * MINUTE);
        activity(&mut sim, 20 * SECOND);
        sim.run_until(down_at + 30 * MINUTE);
        sim.move_client();
        sim.client.network_changed(sim.now);
        let took = assert_converges(&mut sim, MINUTE);
        assert!(took <= few_rtts(delay), "{sim}: resync took {took:?}");
    });
}

#[test]
fn a_phone_waking_after_thirty_minutes_resynchronizes_within_a_few_rtts() {
    for_each_seed("phone asleep", 1..=4, |seed| {
        let delay = Duration::from_millis(20 + 60 * seed);
        let link = Link::delay_ms(delay.as_millis() as u64);
        let mut sim = Sim::new(seed, link, link);
        activity(&mut sim, 20 * SECOND);
        assert_converges(&mut sim, 30 * SECOND);
        let wake_at = sim.now + 30 * MINUTE;
        sim.sleep_client_until(wake_at);
        sim.run_for(MINUTE);
        sim.set_screen(b"while you were away".to_vec());
        sim.run_until(wake_at);
        // Woken without any hint: its overdue timers send at once.
        sim.type_keys(b"ls\r");
        let took = assert_converges(&mut sim, MINUTE);
        assert!(took <= few_rtts(delay), "{sim}: resync took {took:?}");
        assert_eq!(sim.client.remote_state().bytes(), b"while you were away");
    });
}

#[test]
fn an_idle_server_answers_a_roamed_client_at_once_not_at_its_next_heartbeat() {
    for_each_seed("idle roam", 1..=8, |seed| {
        let delay = Duration::from_millis(20 + 30 * seed);
        let link = Link::delay_ms(delay.as_millis() as u64);
        let mut sim = Sim::new(seed, link, link);
        activity(&mut sim, 10 * SECOND);
        assert_converges(&mut sim, 30 * SECOND);
        // Idle for a while: only heartbeats flow.
        sim.run_for(10 * SECOND);
        let old_socket = sim.client.sockets().last().unwrap();
        sim.move_client();
        let changed_at = sim.now;
        sim.client.network_changed(changed_at);
        sim.run_for(SECOND);
        let replied = sim
            .server_sends
            .iter()
            .find(|&&(at, destination)| {
                at >= changed_at && destination != sim.client_public_addr(old_socket)
            })
            .map(|&(at, _)| at - changed_at)
            .unwrap_or_else(|| panic!("{sim}: no reply to the new address within a second"));
        // The client's datagram takes one delay; the answer leaves as it arrives.
        assert!(
            replied <= delay + 20 * MS,
            "{sim}: the server answered the roam after {replied:?} (one-way {delay:?})"
        );
    });
}

#[test]
fn server_answers_the_new_client_address_from_its_first_authentic_datagram() {
    for_each_seed("roaming", 1..=16, |seed| {
        let up = Link {
            loss: 0.2,
            jitter: 30 * MS,
            ..Link::delay_ms(40 + 10 * seed)
        };
        let down = Link {
            loss: 0.2,
            ..Link::delay_ms(40)
        };
        let mut sim = Sim::new(seed, up, down);
        activity(&mut sim, 10 * SECOND);
        // A datagram from the old address, kept for a replay.
        let (captured, old_addr) = sim.last_client_datagram.clone().unwrap();
        let old_socket = sim.client.sockets().last().unwrap();
        assert_eq!(old_addr, sim.client_public_addr(old_socket));
        let moved_at = sim.now;
        sim.move_client();
        let new_addr = sim.client_public_addr(old_socket);
        activity(&mut sim, 10 * SECOND);
        assert_converges(&mut sim, MINUTE);

        let (attached_at, addr) = *sim
            .server_address_changes
            .iter()
            .find(|&&(at, _)| at >= moved_at)
            .unwrap_or_else(|| panic!("{sim}: server never followed"));
        assert_eq!(addr, new_addr, "{sim}");
        for &(at, destination) in &sim.server_sends {
            if at < attached_at {
                assert_ne!(
                    destination, new_addr,
                    "{sim}: sent to the new address early"
                );
            } else {
                assert_eq!(
                    destination, new_addr,
                    "{sim}: sent to {destination} at {at:?}"
                );
            }
        }
        // A late replay from the old address and a forgery from elsewhere move nothing.
        sim.inject_to_server(&captured, old_addr);
        sim.inject_to_server(&[0u8; 64], "203.0.113.9:9".parse().unwrap());
        assert_eq!(sim.server.remote_address(), Some(new_addr));
        sim.run_for(10 * SECOND);
        assert!(
            sim.server_sends
                .iter()
                .rev()
                .take(3)
                .all(|&(_, d)| d == new_addr)
        );
    });
}

#[test]
fn client_hops_ports_when_round_trips_stop_and_the_server_follows() {
    let link = Link::delay_ms(30);
    let mut sim = Sim::new(7, link, link);
    activity(&mut sim, 5 * SECOND);
    let first = sim.client.sockets().last().unwrap();
    // The server's replies are lost for 25 s (a NAT dropping the return path).
    sim.down.loss = 1.0;
    sim.run_for(25 * SECOND);
    let newest = sim.client.sockets().last().unwrap();
    assert!(newest > first, "no port hop while round trips failed");
    sim.down.loss = 0.0;
    assert_converges(&mut sim, 10 * SECOND);
    // The client may have hopped right after its last send; its next datagram (a
    // heartbeat at the latest) comes from the new socket and the server follows.
    sim.run_for(ACK_INTERVAL + SECOND);
    let newest = sim.client.sockets().last().unwrap();
    assert_eq!(
        sim.server.remote_address(),
        Some(sim.client_public_addr(newest))
    );
    // With round trips succeeding again, no further hops.
    sim.run_for(MINUTE);
    assert_eq!(sim.client.sockets().last(), Some(newest));
    assert_eq!(
        sim.client.sockets().count(),
        1,
        "old sockets closed after 60 s"
    );
}

#[test]
fn state_lists_and_sockets_stay_bounded() {
    for_each_seed("bounds", 1..=4, |seed| {
        let link = Link {
            loss: 0.5,
            jitter: 200 * MS,
            ..Link::delay_ms(300)
        };
        let mut sim = Sim::new(seed, link, link);
        // Fast typing: a state change every few ms, far more than the frame rate.
        let end = sim.now + MINUTE;
        while sim.now < end {
            sim.type_keys(b"y");
            let pause = Duration::from_millis(5 + sim.below(30));
            sim.run_for(pause);
        }
        let down_at = sim.now;
        sim.blackout(down_at, 10 * MINUTE);
        let end = sim.now + 10 * MINUTE;
        while sim.now < end {
            sim.type_keys(b"z");
            let screen = vec![sim.below(256) as u8; 500];
            sim.set_screen(screen);
            let pause = Duration::from_millis(100 + sim.below(400));
            sim.run_for(pause);
        }
        assert_converges(&mut sim, 5 * MINUTE);
        assert!(
            sim.max_sent_states <= 32,
            "{sim}: {} sent states",
            sim.max_sent_states
        );
        assert!(
            sim.max_received_states <= 64,
            "{sim}: {} received states",
            sim.max_received_states
        );
        assert!(
            sim.max_client_sockets <= 10,
            "{sim}: {} sockets",
            sim.max_client_sockets
        );
        assert!(sim.server.remote_state().first_held() > 0 || sim.typed.is_empty());
        assert!(
            sim.client.current().first_held() > 0,
            "acknowledged keys are dropped"
        );
    });
}

#[test]
fn an_idle_session_wakes_no_more_often_than_the_ack_interval() {
    let link = Link::delay_ms(50);
    let mut sim = Sim::new(3, link, link);
    activity(&mut sim, 10 * SECOND);
    assert_converges(&mut sim, 10 * SECOND);
    sim.run_for(10 * SECOND);
    sim.wakes = Default::default();
    let before = (sim.wakes, sim.datagrams);
    let idle = 10 * MINUTE;
    sim.run_for(idle);
    let heartbeats = (idle.as_millis() / ACK_INTERVAL.as_millis()) as u64;
    for (name, wakes, earlier, sent, sent_before) in [
        (
            "client",
            sim.wakes.0,
            before.0.0,
            sim.datagrams.0,
            before.1.0,
        ),
        (
            "server",
            sim.wakes.1,
            before.0.1,
            sim.datagrams.1,
            before.1.1,
        ),
    ] {
        let timer_wakes = wakes.timer - earlier.timer;
        assert!(
            timer_wakes <= heartbeats + 1,
            "{name}: {timer_wakes} timer wake-ups in {idle:?}"
        );
        assert!(
            sent - sent_before <= heartbeats + 1,
            "{name}: {} datagrams",
            sent - sent_before
        );
        assert!(
            wakes.min_timer_gap.unwrap() >= ACK_INTERVAL,
            "{name}: timer wake-ups {:?} apart",
            wakes.min_timer_gap
        );
    }
    assert!(sim.converged());
}

#[test]
fn server_without_a_client_never_wakes_and_detaches_from_a_silent_one() {
    let link = Link::delay_ms(10);
    let mut sim = Sim::new(4, link, link);
    assert_eq!(
        sim.server.poll_timeout(),
        Some(sim.now),
        "runs once at start"
    );
    sim.server.poll_transmit(sim.now).unwrap();
    assert_eq!(sim.server.poll_timeout(), None);
    sim.run_for(5 * SECOND);
    sim.sleep_client_until(sim.now + 10 * MINUTE);
    let silent_from = sim.now;
    sim.run_for(2 * MINUTE);
    assert!(sim.server.is_detached());
    let last_send = sim.server_sends.last().unwrap().0;
    assert!(last_send - silent_from <= SERVER_ASSOCIATION_TIMEOUT + ACK_INTERVAL);
    assert_eq!(sim.server.poll_timeout(), None, "a detached server sleeps");
}

#[test]
fn shutdown_is_acknowledged_through_loss() {
    for_each_seed("shutdown", 1..=6, |seed| {
        let link = Link {
            loss: 0.3,
            ..Link::delay_ms(50)
        };
        let mut sim = Sim::new(seed, link, link);
        activity(&mut sim, 5 * SECOND);
        let client_initiates = seed % 2 == 0;
        if client_initiates {
            sim.client.start_shutdown(sim.now);
        } else {
            sim.server.start_shutdown(sim.now);
        }
        loop {
            sim.run_for(10 * MS);
            let now = sim.now;
            let (acknowledged, gave_up, peer_requested, peer_acked) = if client_initiates {
                (
                    sim.client.shutdown_acknowledged(),
                    sim.client.shutdown_gave_up(now),
                    sim.server.peer_shutdown_requested(),
                    sim.server.shutdown_ack_sent(),
                )
            } else {
                (
                    sim.server.shutdown_acknowledged(),
                    sim.server.shutdown_gave_up(now),
                    sim.client.peer_shutdown_requested(),
                    sim.client.shutdown_ack_sent(),
                )
            };
            if acknowledged {
                assert!(peer_requested && peer_acked, "{sim}");
                break;
            }
            // With 30 % loss each way, 16 tries get through for these seeds.
            assert!(!gave_up, "{sim}: shutdown gave up");
        }
    });
}

#[test]
fn shutdown_towards_an_unreachable_peer_gives_up_after_sixteen_tries() {
    let link = Link::delay_ms(20);
    let mut sim = Sim::new(9, link, link);
    activity(&mut sim, 3 * SECOND);
    sim.up.loss = 1.0;
    let sent_before = sim.datagrams.0;
    let started = sim.now;
    sim.client.start_shutdown(started);
    sim.run_for(20 * SECOND);
    assert!(sim.client.shutdown_gave_up(sim.now));
    assert!(!sim.client.shutdown_acknowledged());
    assert_eq!(
        sim.datagrams.0 - sent_before,
        u64::from(SHUTDOWN_MAX_RETRIES)
    );
    assert_eq!(sim.client.poll_timeout(), None, "nothing left to do");
}

#[test]
fn a_resumed_client_continues_the_same_server_session() {
    let link = Link {
        loss: 0.1,
        ..Link::delay_ms(60)
    };
    let mut sim = Sim::new(11, link, link);
    activity(&mut sim, 10 * SECOND);
    // The app goes to the background: a snapshot, then the process is killed.
    let mut point = sim.client.resume_point().unwrap();
    // A snapshot reserves sequence and state numbers ahead of use, in case the
    // process sent more before it died.
    point.next_seq += 1000;
    point.last_num += 1000;
    sim.sleep_client_until(sim.now + 20 * SECOND);
    sim.run_for(10 * SECOND);
    sim.set_screen(b"changed while the app was dead".to_vec());
    sim.run_for(10 * SECOND);
    // A new process resumes from the snapshot, on a new network.
    sim.client = Transport::resuming(sim.cipher.clone(), point, sim.now).unwrap();
    sim.client.use_seeded_chaff(11);
    sim.move_client();
    sim.type_keys(b"after restore");
    let took = assert_converges(&mut sim, 30 * SECOND);
    assert!(took < 5 * SECOND, "{sim}: took {took:?}");
    assert_eq!(
        sim.client.remote_state().bytes(),
        b"changed while the app was dead"
    );
}

#[test]
fn a_seed_reproduces_the_same_run() {
    let run = || {
        let mut sim = Sim::new(5, random_link(5, 1), random_link(5, 2));
        activity(&mut sim, 30 * SECOND);
        let sends: Vec<Duration> = sim
            .server_sends
            .iter()
            .map(|&(at, _)| at - sim.start)
            .collect();
        (sim.datagrams, sends, sim.typed.len(), sim.applied.len())
    };
    assert_eq!(run(), run());
}
