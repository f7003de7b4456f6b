//! The UDP port or port range of `-p` (`protocol.md` §15.1).

/// An inclusive range of UDP ports to try in order; `0..=0` lets the kernel choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    /// First port tried.
    pub low: u16,
    /// Last port tried.
    pub high: u16,
}

/// Why a `-p` value was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PortRangeError {
    /// Not a decimal number in 0..=65535.
    #[error("not a port number: {0:?}")]
    NotAPort(String),
    /// `LOW:HIGH` with LOW > HIGH.
    #[error("low port above high port")]
    Inverted,
    /// `0:HIGH`: a range cannot start at the kernel-chosen port.
    #[error("a range cannot start at port 0")]
    ZeroLow,
}

impl PortRange {
    /// Stock's default: the first free port of 60001–60999 (its man page says
    /// 60000–61000, but the binary starts at 60001; `protocol.md` §18.1).
    pub const DEFAULT: PortRange = PortRange {
        low: 60001,
        high: 60999,
    };

    /// Parses `PORT` or `LOW:HIGH`.
    pub fn parse(text: &str) -> Result<PortRange, PortRangeError> {
        let port = |s: &str| -> Result<u16, PortRangeError> {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(PortRangeError::NotAPort(s.to_owned()));
            }
            s.parse()
                .map_err(|_| PortRangeError::NotAPort(s.to_owned()))
        };
        match text.split_once(':') {
            None => {
                let p = port(text)?;
                Ok(PortRange { low: p, high: p })
            }
            Some((low, high)) => {
                let (low, high) = (port(low)?, port(high)?);
                if low == 0 {
                    return Err(PortRangeError::ZeroLow);
                }
                if low > high {
                    return Err(PortRangeError::Inverted);
                }
                Ok(PortRange { low, high })
            }
        }
    }

    /// The ports to try, in order.
    pub fn ports(self) -> std::ops::RangeInclusive<u16> {
        self.low..=self.high
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_ranges_and_kernel_choice() {
        assert_eq!(PortRange::parse("0").unwrap().ports(), 0..=0);
        assert_eq!(PortRange::parse("60001").unwrap().ports(), 60001..=60001);
        assert_eq!(
            PortRange::parse("61000:61010").unwrap().ports(),
            61000..=61010
        );
    }

    #[test]
    fn refused_values() {
        assert_eq!(PortRange::parse("0:10"), Err(PortRangeError::ZeroLow));
        assert_eq!(PortRange::parse("20:10"), Err(PortRangeError::Inverted));
        for bad in ["", "x", "65536", "-1", "1:", ":2", "+5", "1:2:3"] {
            assert!(PortRange::parse(bad).is_err(), "{bad:?}");
        }
    }
}
