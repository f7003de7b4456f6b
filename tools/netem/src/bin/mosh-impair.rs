//! `mosh-impair`: a UDP relay with impairments, for trying mosh (ours or stock) over
//! a bad network on one machine, and for counting its traffic.
//!
//! ```text
//! mosh-impair --listen 127.0.0.1:7000 --upstream 127.0.0.1:60001 \
//!     [--delay-ms 250] [--jitter-ms 0] [--loss 0.1] [--seed 1] \
//!     [--roam-every-secs N] [--roam-address 127.0.0.2] \
//!     [--blackout-at-secs T --blackout-secs L] [--report-secs N] [--duration-secs N]
//! ```
//!
//! Point the client at the listen address (stock: `MOSH_KEY=… mosh-client 127.0.0.1
//! 7000`). Counters are printed every `--report-secs` and at the end, one line each:
//! `t=… up: N datagrams B bytes D dropped; down: …`.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use mosh_netem::{Impairment, ImpairmentProxy, ProxyConfig, ProxyStats, Roam};

const USAGE: &str = "usage: mosh-impair --listen ADDR --upstream ADDR [--delay-ms N] \
[--jitter-ms N] [--loss P] [--seed N] [--roam-every-secs N] [--roam-address IP] \
[--blackout-at-secs T --blackout-secs L] [--report-secs N] [--duration-secs N]";

#[derive(Debug)]
struct Options {
    config: ProxyConfig,
    roam_every: Option<Duration>,
    roam_address: Option<IpAddr>,
    blackout: Option<(Duration, Duration)>,
    report_every: Option<Duration>,
    duration: Option<Duration>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut listen = None;
    let mut upstream = None;
    let mut link = Impairment::NONE;
    let mut seed = 1;
    let mut roam_every = None;
    let mut roam_address = None;
    let mut blackout_at = None;
    let mut blackout_len = None;
    let mut report_every = None;
    let mut duration = None;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}");
        let secs = |v: &str| {
            v.parse::<f64>()
                .map(Duration::from_secs_f64)
                .map_err(|e| bad(&e))
        };
        let millis = |v: &str| {
            v.parse::<u64>()
                .map(Duration::from_millis)
                .map_err(|e| bad(&e))
        };
        match flag.as_str() {
            "--listen" => listen = Some(value.parse::<SocketAddr>().map_err(|e| bad(&e))?),
            "--upstream" => upstream = Some(value.parse::<SocketAddr>().map_err(|e| bad(&e))?),
            "--delay-ms" => link.delay = millis(value)?,
            "--jitter-ms" => link.jitter = millis(value)?,
            "--loss" => {
                link.loss = value.parse::<f64>().map_err(|e| bad(&e))?;
                if !(0.0..=1.0).contains(&link.loss) {
                    return Err(bad(&"must be between 0 and 1"));
                }
            }
            "--seed" => seed = value.parse().map_err(|e| bad(&e))?,
            "--roam-every-secs" => roam_every = Some(secs(value)?),
            "--roam-address" => roam_address = Some(value.parse().map_err(|e| bad(&e))?),
            "--blackout-at-secs" => blackout_at = Some(secs(value)?),
            "--blackout-secs" => blackout_len = Some(secs(value)?),
            "--report-secs" => report_every = Some(secs(value)?),
            "--duration-secs" => duration = Some(secs(value)?),
            other => return Err(format!("unknown option {other}")),
        }
    }
    let blackout = match (blackout_at, blackout_len) {
        (Some(at), Some(len)) => Some((at, len)),
        (None, None) => None,
        _ => return Err("--blackout-at-secs and --blackout-secs go together".into()),
    };
    Ok(Options {
        config: ProxyConfig {
            listen: listen.ok_or("--listen is required")?,
            upstream: upstream.ok_or("--upstream is required")?,
            up: link,
            down: link,
            seed,
        },
        roam_every,
        roam_address,
        blackout,
        report_every,
        duration,
    })
}

fn report(start: Instant, stats: ProxyStats) {
    println!(
        "t={:.1}s up: {} datagrams {} bytes {} dropped; down: {} datagrams {} bytes {} dropped",
        start.elapsed().as_secs_f64(),
        stats.up_datagrams,
        stats.up_bytes,
        stats.up_dropped,
        stats.down_datagrams,
        stats.down_bytes,
        stats.down_dropped
    );
}

/// Sleeps until the next multiple of `every` since `start`, or forever.
async fn tick(start: Instant, every: Option<Duration>, count: u32) {
    match every {
        Some(every) => tokio::time::sleep_until((start + every * (count + 1)).into()).await,
        None => std::future::pending().await,
    }
}

async fn run(options: Options) -> std::io::Result<()> {
    let proxy = ImpairmentProxy::start(options.config).await?;
    let handle = proxy.handle();
    println!("listening on {}", proxy.local_addr());
    let start = Instant::now();
    let end = options.duration.map(|d| start + d);
    let (mut reports, mut roams) = (0u32, 0u32);
    let mut blackout_done = options.blackout.is_none();
    loop {
        let blackout_at = options
            .blackout
            .filter(|_| !blackout_done)
            .map(|(at, _)| start + at);
        tokio::select! {
            () = tick(start, options.report_every, reports) => {
                reports += 1;
                report(start, handle.stats());
            }
            () = tick(start, options.roam_every, roams) => {
                roams += 1;
                handle.roam(match options.roam_address {
                    Some(ip) if roams % 2 == 1 => Roam::NewAddress(ip),
                    Some(_) => Roam::NewAddress(options.config.upstream.ip()),
                    None => Roam::NewPort,
                });
            }
            () = async {
                match blackout_at {
                    Some(at) => tokio::time::sleep_until(at.into()).await,
                    None => std::future::pending().await,
                }
            } => {
                blackout_done = true;
                if let Some((_, length)) = options.blackout {
                    handle.blackout(length);
                }
            }
            () = async {
                match end {
                    Some(end) => tokio::time::sleep_until(end.into()).await,
                    None => std::future::pending().await,
                }
            } => break,
        }
    }
    report(start, handle.stats());
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("mosh-impair: {error}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("mosh-impair: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("mosh-impair: {error}");
            ExitCode::FAILURE
        }
    }
}
