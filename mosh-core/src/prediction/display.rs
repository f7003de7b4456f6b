//! The display preference (`prediction.md` §9): when predictions are drawn.

/// How predictions are shown (`MOSH_PREDICTION_DISPLAY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PredictionDisplay {
    /// Show predictions when the link is slow or a keystroke's echo was late (default).
    #[default]
    Adaptive,
    /// Show confirmed epochs whatever the link.
    Always,
    /// Never predict.
    Never,
    /// Show every prediction at once; a wrong guess drops only itself.
    Experimental,
}

/// `MOSH_PREDICTION_DISPLAY` holds a value other than the four modes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Unknown prediction mode {0:?} in MOSH_PREDICTION_DISPLAY.")]
pub struct UnknownPredictionMode(pub String);

impl PredictionDisplay {
    /// From the value of `MOSH_PREDICTION_DISPLAY` (`None`: unset → adaptive).
    pub fn from_env_value(value: Option<&str>) -> Result<Self, UnknownPredictionMode> {
        match value {
            None | Some("adaptive") => Ok(Self::Adaptive),
            Some("always") => Ok(Self::Always),
            Some("never") => Ok(Self::Never),
            Some("experimental") => Ok(Self::Experimental),
            Some(other) => Err(UnknownPredictionMode(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_four_modes_and_refuses_others() {
        assert_eq!(
            PredictionDisplay::from_env_value(None),
            Ok(PredictionDisplay::Adaptive)
        );
        assert_eq!(
            PredictionDisplay::from_env_value(Some("experimental")),
            Ok(PredictionDisplay::Experimental)
        );
        assert_eq!(
            PredictionDisplay::from_env_value(Some("never")),
            Ok(PredictionDisplay::Never)
        );
        assert!(PredictionDisplay::from_env_value(Some("Always")).is_err());
    }
}
