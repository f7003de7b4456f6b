//! Driving a real-UDP endpoint in tests until something has happened.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use mosh_core::driver::UdpDriver;
use mosh_core::protocol::ssp::Endpoint;

/// Steps `driver` until `done`; after `limit` fails, naming `what` and showing
/// `describe` (the screen, the host bytes so far).
pub async fn drive_until<E: Endpoint>(
    driver: &mut UdpDriver<E>,
    what: &str,
    limit: Duration,
    done: impl Fn(&UdpDriver<E>) -> bool,
    describe: impl Fn(&UdpDriver<E>) -> String,
) {
    let deadline = Instant::now() + limit;
    while !done(driver) {
        assert!(
            Instant::now() < deadline,
            "{what} not reached within {limit:?}; so far:\n{}",
            describe(driver)
        );
        let _ = tokio::time::timeout(Duration::from_millis(20), driver.step()).await;
    }
}
