//! A literal prefilter: the lines of an NDJSON input that cannot match are
//! skipped before any JSON parsing. The engine plans it from the leading
//! search ([`crate::engine::prefilter`]); this is the part that runs.
//!
//! A line is kept when it contains every literal, ASCII-case-insensitively.
//! Only literals that JSON cannot hide are used: printable ASCII without `"`
//! and `\`, and not made only of characters a number can be written with
//! (numbers are re-rendered). A line that fails the test is still kept when
//! it might hide a literal: a `\/` or `\u` escape, a non-ASCII character that
//! case-folds to `k`/`s` (KELVIN SIGN, LONG S), or a Splunk export wrapper
//! (`"result`).

use aho_corasick::AhoCorasick;

/// The compiled literals; all must be present in a kept line.
#[derive(Debug)]
pub struct Prefilter {
    literals: Vec<String>,
    finders: Vec<AhoCorasick>,
    /// A literal has `k` or `s` (non-ASCII characters fold to them).
    folds: bool,
    /// A literal has `/` (which JSON may write `\/`).
    slash: bool,
    /// The ASCII characters the literals hold (lower case).
    chars: [bool; 128],
}

/// Finders over lower-cased text for what can hide a literal from a plain
/// search: an export wrapper (`"result`), a `\u` escape, a `\/` escape,
/// and the non-ASCII characters that fold to `k`/`s`.
struct Guards {
    wrapper: memchr::memmem::Finder<'static>,
    escape: memchr::memmem::Finder<'static>,
    slash: memchr::memmem::Finder<'static>,
    folds: [memchr::memmem::Finder<'static>; 2],
}

fn guards() -> &'static Guards {
    static G: std::sync::OnceLock<Guards> = std::sync::OnceLock::new();
    G.get_or_init(|| {
        let f = |n: &str| memchr::memmem::Finder::new(n.as_bytes()).into_owned();
        Guards {
            wrapper: f("\"result"),
            escape: f("\\u"),
            slash: f("\\/"),
            folds: [f("\u{212a}"), f("\u{17f}")],
        }
    })
}

/// Can this literal piece be found verbatim (up to ASCII case) in the JSON text?
/// Text that reads as a number other than an integer cannot: a JSON float
/// is shown in its shortest form (`4.104e3` is `4104.0`). An integer can
/// (JSON writes integers one way, and a float always shows a `.` or an
/// exponent), but only as a whole value: see [`is_integer`].
pub fn usable(piece: &str) -> bool {
    !piece.is_empty()
        && piece
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
        && (is_integer(piece)
            || !piece
                .chars()
                .all(|c| c.is_ascii_digit() || "+-.eEinfatyINFATY ".contains(c)))
}

/// `-?[0-9]+`: usable as a literal when it is a field's whole value
/// (`EventID=4104`), not a piece of a wildcard or a bare term, which a
/// float's digits (`41.0` from `4.1e1`) could match without being in the text.
pub fn is_integer(piece: &str) -> bool {
    let digits = piece.strip_prefix('-').unwrap_or(piece);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

impl Prefilter {
    /// A prefilter requiring every literal (already usable; lower-cased here).
    pub fn from_literals(literals: Vec<String>) -> Option<Prefilter> {
        let mut literals: Vec<String> = literals
            .into_iter()
            .filter(|l| usable(l))
            .map(|l| l.to_ascii_lowercase())
            .collect();
        literals.sort_by_key(|l| std::cmp::Reverse(l.len()));
        literals.dedup();
        literals.truncate(4);
        if literals.is_empty() {
            return None;
        }
        let finders = literals
            .iter()
            .map(|l| {
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build([l])
                    .ok()
            })
            .collect::<Option<Vec<_>>>()?;
        let folds = literals.iter().any(|l| l.contains(['k', 's']));
        let slash = literals.iter().any(|l| l.contains('/'));
        let mut chars = [false; 128];
        for b in literals.iter().flat_map(|l| l.bytes()) {
            chars[(b & 0x7f) as usize] = true;
        }
        Some(Prefilter {
            literals,
            finders,
            folds,
            slash,
            chars,
        })
    }

    pub fn literals(&self) -> &[String] {
        &self.literals
    }

    /// [`Prefilter::keep`] for consecutive lines of one buffer at once: the
    /// span they cover is lower-cased once and each literal (and guard) is
    /// searched over it with memmem, which on large spans is several times
    /// faster than a case-insensitive search per line. `lines` are slices of
    /// `buf`, in order.
    pub fn keep_lines(&self, buf: &[u8], lines: &[&[u8]]) -> Vec<bool> {
        let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
            return Vec::new();
        };
        let base = buf.as_ptr() as usize;
        let start = first.as_ptr() as usize - base;
        let end = last.as_ptr() as usize - base + last.len();
        let lower = buf[start..end].to_ascii_lowercase();
        // Line bounds relative to `lower`.
        let bounds: Vec<(usize, usize)> = lines
            .iter()
            .map(|l| {
                let s = l.as_ptr() as usize - base - start;
                (s, s + l.len())
            })
            .collect();
        // For each needle, the lines holding it: stop at the first hit in a
        // line and go on from the next line.
        let lines_with = |needle: &memchr::memmem::Finder<'_>, hits: &mut [u8]| {
            let mut pos = 0;
            let mut idx = 0;
            while pos < lower.len() {
                let Some(at) = needle.find(&lower[pos..]) else {
                    break;
                };
                let at = pos + at;
                while idx < bounds.len() && bounds[idx].1 < at + needle.needle().len() {
                    idx += 1;
                }
                if idx == bounds.len() {
                    break;
                }
                if bounds[idx].0 <= at {
                    hits[idx] = hits[idx].saturating_add(1);
                    pos = bounds[idx].1;
                    idx += 1;
                } else {
                    // A match across a line break: not in any one line.
                    pos = at + 1;
                }
            }
        };
        let mut count = vec![0u8; lines.len()];
        for lit in &self.literals {
            lines_with(&memchr::memmem::Finder::new(lit.as_bytes()), &mut count);
        }
        let want = self.literals.len() as u8;
        let mut keep: Vec<bool> = count.iter().map(|&c| c >= want).collect();
        if keep.iter().all(|k| *k) {
            return keep;
        }
        for ((k, &(s, e)), line) in keep.iter_mut().zip(&bounds).zip(lines) {
            // A line that may hide a literal is looked at again with its
            // escapes decoded.
            *k = *k || (self.may_hide(&lower[s..e]) && self.keep_decoded(line));
        }
        keep
    }

    /// Whether a line that holds an escape or a wrapper can match once its
    /// `\uXXXX` and `\/` escapes are decoded (other escapes stay as
    /// written: no literal holds `\`, `"` or a control character). Kept
    /// when unsure: a bad escape, an export wrapper, a character that folds
    /// to `k`/`s`.
    fn keep_decoded(&self, line: &[u8]) -> bool {
        let Some(text) = decode_escapes(line) else {
            return true;
        };
        let lower = text.to_ascii_lowercase();
        if lower.contains("\"result") || (self.folds && lower.contains(['\u{212a}', '\u{17f}'])) {
            return true;
        }
        self.literals.iter().all(|l| lower.contains(l.as_str()))
    }

    /// Can this line (raw bytes) match? False only when it certainly cannot.
    pub fn keep(&self, line: &[u8]) -> bool {
        if self.finders.iter().all(|f| f.is_match(line)) {
            return true;
        }
        self.may_hide(&line.to_ascii_lowercase()) && self.keep_decoded(line)
    }

    /// Whether a line (lower-cased) that lacks a literal as written may
    /// still hold it: it is an export wrapper; it has a `\/` escape and a
    /// literal has `/`; it has a character that folds to `k`/`s` and a
    /// literal has one; or it has a `\u` escape that is malformed or
    /// decodes to a character a literal holds (or one folding to `k`/`s`).
    /// A `\u` after an escaped backslash (`C:\\users`) is no escape.
    fn may_hide(&self, lower: &[u8]) -> bool {
        let g = guards();
        if g.wrapper.find(lower).is_some()
            || (self.slash && g.slash.find(lower).is_some())
            || (self.folds && g.folds.iter().any(|f| f.find(lower).is_some()))
        {
            return true;
        }
        g.escape.find_iter(lower).any(|at| {
            let run = lower[..=at]
                .iter()
                .rev()
                .take_while(|&&b| b == b'\\')
                .count();
            run % 2 == 1 && self.escape_may_hide(&lower[at + 2..])
        })
    }

    /// Whether the `\u` escape whose hex digits start `rest` may stand for
    /// a literal's character (true when malformed: the parser reports it).
    fn escape_may_hide(&self, rest: &[u8]) -> bool {
        let Some(hex) = rest
            .get(..4)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
        else {
            return true;
        };
        let code = hex
            .iter()
            .fold(0u32, |n, &b| n * 16 + (b as char).to_digit(16).unwrap_or(0));
        match code {
            0..=0x7f => self.chars[(code as u8).to_ascii_lowercase() as usize],
            0x212a | 0x17f => self.folds,
            // A surrogate pair (or a lone surrogate): left to the decoder.
            0xd800..=0xdfff => true,
            _ => false,
        }
    }
}

/// The line with its `\uXXXX` (surrogate pairs joined) and `\/` escapes
/// decoded and every other escape left as written; None when an escape is
/// malformed or the bytes are not UTF-8.
fn decode_escapes(line: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(line).ok()?;
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    let hex = |chars: &mut std::str::Chars<'_>| -> Option<u32> {
        let h: String = chars.by_ref().take(4).collect();
        (h.len() == 4)
            .then(|| u32::from_str_radix(&h, 16).ok())
            .flatten()
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'u' => {
                let hi = hex(&mut chars)?;
                let code = if (0xD800..0xDC00).contains(&hi) {
                    // A high surrogate: the low one must follow.
                    if chars.next()? != '\\' || chars.next()? != 'u' {
                        return None;
                    }
                    let lo = hex(&mut chars)?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return None;
                    }
                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                } else {
                    hi
                };
                out.push(char::from_u32(code)?);
            }
            '/' => out.push('/'),
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_kept_through_case_and_escapes() {
        let p = Prefilter::from_literals(vec!["PowerShell".into()]).unwrap();
        assert!(p.keep(br#"{"a":"C:\\POWERSHELL.exe"}"#));
        assert!(!p.keep(br#"{"a":"cmd.exe"}"#));
        assert!(p.keep(br#"{"a":"\u0070owershell"}"#));
        assert!(p.keep("{\"a\":\"power\u{17f}hell\"}".as_bytes()));
        // Escapes are decoded before a guarded line is given up on: an
        // unrelated \u escape no longer keeps a line; an escaped long s does.
        assert!(!p.keep(br#"{"a":"caf\u00e9", "b":"cmd.exe"}"#));
        assert!(p.keep(br#"{"a":"power\u017fhell"}"#));
        assert!(p.keep(br#"{"a":"\ud83d\ude00 POWERshell"}"#));
        // An escaped backslash before `u0070` is no \u escape.
        assert!(!p.keep(br#"{"a":"\\u0070owershell"}"#));
        // A malformed escape keeps the line.
        assert!(p.keep(br#"{"a":"\uZZZZ"}"#));
        // A \u escape of a character no literal holds does not keep it;
        // one of a literal's characters (in either case) does, after an
        // escaped backslash too.
        assert!(!p.keep(br#"{"a":"\u0041\u0042 cmd.exe"}"#));
        assert!(p.keep(br#"{"a":"\u0050OWERSHELL"}"#));
        assert!(p.keep(br#"{"a":"\\\u0050owershell"}"#));
        assert!(!p.keep(br#"{"a":"C:\\Users\\Public"}"#));
        // The export wrapper keeps it too.
        assert!(p.keep(br#"{"result":{"a":"x\/y"}}"#));
    }

    #[test]
    fn keep_lines_agrees_with_keep() {
        let text = concat!(
            "{\"a\":\"C:\\\\POWERSHELL.exe\"}\n",
            "{\"a\":\"cmd.exe\"}\n",
            "{\"a\":\"\\u0070owershell\"}\n",
            "{\"a\":\"power\u{17f}hell\"}\n",
            "\n",
            "{\"result\":1, \"b\":\"powers\"}\n",
            "{\"a\":\"x powershell\", \"b\": \"ENC\"}\n",
            "{\"a\":\"powershel\"}\n",
            "l\n",
            "{\"a\":\"caf\\u00e9\"}\n",
            "{\"a\":\"\\\\u0070owershell\"}\n",
            "{\"a\":\"C:\\\\Users\\\\pOWERSHELL\"}\n",
            "{\"a\":\"\\u0050OWERSHELL \\u0045nc\"}\n",
            "{\"a\":\"\\\\\\u0050owershell\"}\n",
            "{\"a\":\"\\u00e9xe \\uZZ\"}\n",
        );
        let buf = text.as_bytes();
        let lines: Vec<&[u8]> = buf
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .collect();
        for lits in [vec!["powershell"], vec!["powershell", "enc"], vec!["exe"]] {
            let p = Prefilter::from_literals(lits.iter().map(|s| s.to_string()).collect()).unwrap();
            let each: Vec<bool> = lines.iter().map(|l| p.keep(l)).collect();
            assert_eq!(p.keep_lines(buf, &lines), each, "{lits:?}");
        }
    }
}
