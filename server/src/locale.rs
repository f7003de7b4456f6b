//! The UTF-8 locale requirement (`protocol.md` §15.1): the session's programs must run
//! with a UTF-8 `LC_CTYPE`, or their output and our emulator would disagree on what a
//! character is.
//!
//! Stock asks the C library; we read the variables with POSIX precedence (`LC_ALL`,
//! then `LC_CTYPE`, then `LANG`) and look at the codeset in the name, which needs no
//! `setlocale` (and so no `unsafe`). A named UTF-8 locale that is not installed is
//! accepted here where stock would refuse it; the programs then fall back to their own
//! defaults, which is no worse than the refusal for a user.

/// Locale variables cleared before the `-l` ones are applied.
pub const LOCALE_VARIABLES: [&str; 15] = [
    "LANG",
    "LANGUAGE",
    "LC_CTYPE",
    "LC_NUMERIC",
    "LC_TIME",
    "LC_COLLATE",
    "LC_MONETARY",
    "LC_MESSAGES",
    "LC_PAPER",
    "LC_NAME",
    "LC_ADDRESS",
    "LC_TELEPHONE",
    "LC_MEASUREMENT",
    "LC_IDENTIFICATION",
    "LC_ALL",
];

/// The environment changes the session's programs need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocaleFix {
    /// The inherited locale is UTF-8 already.
    Inherited,
    /// Clear every locale variable, then set these (from `-l`).
    Replace(Vec<(String, String)>),
}

/// No UTF-8 locale in the environment or the `-l` variables.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "mosh-server needs a UTF-8 native locale to run. Unfortunately, the character \
     encoding of {effective:?} is not UTF-8; set LANG or LC_ALL (or pass -l LANG=...) \
     to a UTF-8 locale."
)]
pub struct NotUtf8 {
    /// The effective locale name that was checked (empty: the C locale).
    pub effective: String,
}

/// Decides how to get a UTF-8 locale, given a variable lookup and the `-l` pairs.
pub fn choose_locale(
    lookup: impl Fn(&str) -> Option<String>,
    requested: &[(String, String)],
) -> Result<LocaleFix, NotUtf8> {
    let inherited = effective_ctype(&lookup);
    if is_utf8_name(&inherited) {
        return Ok(LocaleFix::Inherited);
    }
    let from_requested = |name: &str| {
        requested
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let replaced = effective_ctype(&from_requested);
    if is_utf8_name(&replaced) {
        Ok(LocaleFix::Replace(requested.to_vec()))
    } else {
        Err(NotUtf8 {
            effective: if replaced.is_empty() {
                inherited
            } else {
                replaced
            },
        })
    }
}

/// The locale that governs character classification.
fn effective_ctype(lookup: &impl Fn(&str) -> Option<String>) -> String {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .filter_map(|name| lookup(name))
        .find(|value| !value.is_empty())
        .unwrap_or_default()
}

/// `C.UTF-8`, `en_US.utf8`, `de_DE.UTF-8@euro`: the codeset after the dot.
fn is_utf8_name(name: &str) -> bool {
    let Some((_, rest)) = name.split_once('.') else {
        return false;
    };
    let codeset = rest.split('@').next().unwrap_or_default();
    let normalized: String = codeset
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect();
    normalized == "utf8"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn inherited_utf8_is_kept() {
        assert_eq!(
            choose_locale(env(&[("LANG", "C.UTF-8")]), &[]),
            Ok(LocaleFix::Inherited)
        );
        assert_eq!(
            choose_locale(env(&[("LANG", "C"), ("LC_ALL", "en_US.utf8")]), &[]),
            Ok(LocaleFix::Inherited)
        );
    }

    #[test]
    fn lc_all_overrides_lang() {
        let requested = vec![];
        assert!(choose_locale(env(&[("LANG", "C.UTF-8"), ("LC_ALL", "C")]), &requested).is_err());
    }

    #[test]
    fn requested_variables_rescue_a_c_locale() {
        let requested = vec![("LANG".to_owned(), "de_DE.UTF-8@euro".to_owned())];
        assert_eq!(
            choose_locale(env(&[]), &requested),
            Ok(LocaleFix::Replace(requested.clone()))
        );
    }

    #[test]
    fn nothing_utf8_is_an_error_naming_the_locale() {
        let requested = vec![("LANG".to_owned(), "en_US.ISO-8859-1".to_owned())];
        let err = choose_locale(env(&[("LANG", "POSIX")]), &requested).unwrap_err();
        assert_eq!(err.effective, "en_US.ISO-8859-1");
        assert!(err.to_string().contains("UTF-8"));
    }
}
