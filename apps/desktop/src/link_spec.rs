//! `--link delay=250ms,loss=5%,jitter=20ms`: a simulated mobile link for the demo.

use std::time::Duration;

use mosh_netem::Impairment;

/// A `--link` value that could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("bad --link value {0:?}: expected e.g. delay=250ms,loss=5%,jitter=20ms")]
pub struct LinkSpecError(pub String);

/// Parses a link description into the impairment of each direction (the same both
/// ways: `delay` is one-way).
pub fn parse_link(spec: &str) -> Result<Impairment, LinkSpecError> {
    let bad = || LinkSpecError(spec.to_owned());
    let mut link = Impairment::NONE;
    for part in spec.split(',').filter(|p| !p.is_empty()) {
        let (name, value) = part.split_once('=').ok_or_else(bad)?;
        match name.trim() {
            "delay" => link.delay = parse_duration(value).ok_or_else(bad)?,
            "jitter" => link.jitter = parse_duration(value).ok_or_else(bad)?,
            "loss" => {
                let percent: f64 = value
                    .trim()
                    .trim_end_matches('%')
                    .parse()
                    .map_err(|_| bad())?;
                if !(0.0..=100.0).contains(&percent) {
                    return Err(bad());
                }
                link.loss = percent / 100.0;
            }
            _ => return Err(bad()),
        }
    }
    Ok(link)
}

fn parse_duration(value: &str) -> Option<Duration> {
    let value = value.trim();
    let (number, scale) = if let Some(ms) = value.strip_suffix("ms") {
        (ms, 1e-3)
    } else if let Some(s) = value.strip_suffix('s') {
        (s, 1.0)
    } else {
        (value, 1e-3)
    };
    let n: f64 = number.parse().ok()?;
    (n >= 0.0 && n.is_finite()).then(|| Duration::from_secs_f64(n * scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_readme_example() {
        let link = parse_link("delay=250ms,loss=5%").unwrap();
        assert_eq!(link.delay, Duration::from_millis(250));
        assert!((link.loss - 0.05).abs() < 1e-9);
        let link = parse_link("delay=1s,jitter=20,loss=0").unwrap();
        assert_eq!(link.delay, Duration::from_secs(1));
        assert_eq!(link.jitter, Duration::from_millis(20));
    }

    #[test]
    fn refuses_nonsense() {
        for bad in ["delay", "delay=fast", "loss=150%", "speed=1", "delay=-5ms"] {
            assert!(parse_link(bad).is_err(), "{bad}");
        }
    }
}
