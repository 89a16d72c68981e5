//! Windows event XML (`<Event xmlns=…><System>…</System><EventData>…`), the
//! way Splunk's Windows add-on extracts it for `XmlWinEventLog`:
//!
//! - each element of `<System>` with text gives a field of its name
//!   (`EventID`, `Channel`, `Computer`, `EventRecordID`, `Level`, …), and each
//!   attribute of those elements one of the attribute's name (`Name` and
//!   `Guid` of `Provider`, `SystemTime`, `ProcessID`, `ThreadID`, `UserID`,
//!   `ActivityID`, `Qualifiers`, …);
//! - each `<Data Name='X'>v</Data>` of `<EventData>` gives `X=v` (repeated
//!   names make a multivalue; a `Data` without a name gives `Data`); other
//!   elements there (`Binary`) their own name;
//! - leaf elements of `<UserData>` (and `<RenderingInfo>`, without
//!   overriding) give fields of their names;
//! - `EventCode` is `EventID`; `System_Props_Xml`, `EventData_Xml`,
//!   `UserData_Xml` and `<first UserData child>_Xml` hold those parts' XML;
//! - `_time` is `SystemTime`, `_raw` the event's XML.
//!
//! Empty values make no field (Splunk drops empty extractions).

use indexmap::IndexMap;
use quick_xml::events::Event as X;
use quick_xml::Reader;

use std::io::BufRead;

use super::source::for_lines;
use super::{Emit, Item};
use crate::base::event::Event;
use crate::base::value::Value;

#[derive(PartialEq, Clone, Copy)]
pub(crate) enum Section {
    None,
    System,
    EventData,
    UserData,
    Rendering,
}

/// Parses one `<Event>…</Event>` into an event; Err describes malformed XML.
pub fn parse_event(raw: &str) -> Result<Event, String> {
    event_from(raw, extract(raw)?)
}

/// [`parse_event`] for an event cut short (no `</Event>`): the fields
/// found before the cut, as Splunk's extractions would still find them.
pub fn parse_truncated(raw: &str) -> Result<Event, String> {
    event_from(raw, extract_with(raw, true)?)
}

pub(crate) fn event_from(
    raw: &str,
    fields: IndexMap<String, Vec<String>>,
) -> Result<Event, String> {
    let mut ev = Event::with_capacity(fields.len() + 8);
    for (k, vals) in fields {
        ev.set(k, Value::multi(vals.into_iter().map(Value::Str).collect()));
    }
    ev.set("_raw", Value::Str(raw.to_string()));
    if let Some(t) = ev
        .get("SystemTime")
        .and_then(|v| v.as_text())
        .and_then(|t| crate::time::parse_timestamp(&t))
    {
        ev.set("_time", Value::Num(t));
        ev.orig_time = t;
    }
    Ok(ev)
}

/// The fields of an event whose XML does not parse (`<Le>0</Level>`), found
/// the way Splunk's Windows add-on finds them, by regular expressions over
/// the text: `<Name>text</Name>` elements and `name='value'` attributes of
/// `<System>`, `<Data Name='X'>v</Data>` pairs, leaf elements of
/// `<UserData>`. None when not even an `EventID` is found.
pub fn extract_loose(raw: &str) -> Option<IndexMap<String, Vec<String>>> {
    use std::sync::OnceLock;
    static RES: OnceLock<[regex::Regex; 4]> = OnceLock::new();
    let [elem, attr, data, bare] = RES.get_or_init(|| {
        [
            regex::Regex::new(r"<(\w+)(?:\s[^>]*)?>([^<]*)</(\w+)>").expect("valid"),
            regex::Regex::new(r#"(\w+)=(?:'([^']*)'|"([^"]*)")"#).expect("valid"),
            regex::Regex::new(r#"<Data\s+Name=(?:'([^']*)'|"([^"]*)")\s*>([^<]*)</Data>"#)
                .expect("valid"),
            regex::Regex::new(r"<Data>([^<]*)</Data>").expect("valid"),
        ]
    });
    let section = |open: &str, close: &str| -> &str {
        let Some(i) = raw.find(open) else { return "" };
        let rest = &raw[i..];
        &rest[..rest.find(close).unwrap_or(rest.len())]
    };
    let mut out: IndexMap<String, Vec<String>> = IndexMap::new();
    let system = section("<System", "</System>");
    for c in elem.captures_iter(system) {
        if c[1] == c[3] {
            push(&mut out, &c[1], &unescape(&c[2]));
        }
    }
    for c in attr.captures_iter(system) {
        if &c[1] != "xmlns" {
            let v = c.get(2).or(c.get(3)).map_or("", |m| m.as_str());
            push(&mut out, &c[1], &unescape(v));
        }
    }
    let event_data = section("<EventData", "</EventData>");
    for c in data.captures_iter(event_data) {
        let name = c.get(1).or(c.get(2)).map_or("", |m| m.as_str());
        push(&mut out, name, &unescape(&c[3]));
    }
    for c in bare.captures_iter(event_data) {
        push(&mut out, "Data", &unescape(&c[1]));
    }
    for c in elem.captures_iter(section("<UserData", "</UserData>")) {
        if c[1] == c[3] {
            push(&mut out, &c[1], &unescape(&c[2]));
        }
    }
    let id = out.get("EventID").cloned()?;
    out.insert("EventCode".into(), id);
    for (tag, field) in [
        ("System", "System_Props_Xml"),
        ("EventData", "EventData_Xml"),
        ("UserData", "UserData_Xml"),
    ] {
        if let Some(inner) = inner_xml(raw, tag) {
            push(&mut out, field, inner);
        }
    }
    Some(out)
}

/// XML's five entities and character references, decoded.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    quick_xml::escape::unescape(s)
        .map(|c| c.into_owned())
        .unwrap_or_else(|_| s.to_string())
}

/// [`parse_event`] for XML that does not parse: the fields
/// [`extract_loose`] finds. None when it finds no `EventID`.
pub fn parse_loose(raw: &str) -> Option<Event> {
    event_from(raw, extract_loose(raw)?).ok()
}

/// The fields of a Windows event's XML, in document order.
pub fn extract(raw: &str) -> Result<IndexMap<String, Vec<String>>, String> {
    extract_with(raw, false)
}

pub(crate) fn extract_with(
    raw: &str,
    lenient: bool,
) -> Result<IndexMap<String, Vec<String>>, String> {
    let mut out: IndexMap<String, Vec<String>> = IndexMap::new();
    let mut r = Reader::from_str(raw);
    let mut section = Section::None;
    let mut depth = 0usize;
    // The element whose text is being collected: (field name, text).
    let mut current: Option<(String, String)> = None;
    let mut userdata_child: Option<String> = None;
    let mut saw_event = false;
    loop {
        let e = match r.read_event() {
            Ok(e) => e,
            Err(_) if lenient && saw_event => break,
            Err(e) => return Err(format!("malformed XML ({e})")),
        };
        let is_empty = matches!(e, X::Empty(_));
        match e {
            X::Start(s) | X::Empty(s) => {
                let empty = is_empty;
                let name = s.local_name();
                let name = name.as_ref();
                if !empty {
                    depth += 1;
                }
                let level = if empty { depth + 1 } else { depth };
                if level == 1 {
                    if name != "Event" {
                        return Err(format!("<{name}> is not a Windows <Event>"));
                    }
                    saw_event = true;
                    continue;
                }
                if level == 2 {
                    section = match name {
                        "System" => Section::System,
                        "EventData" => Section::EventData,
                        "UserData" => Section::UserData,
                        "RenderingInfo" => Section::Rendering,
                        _ => Section::None,
                    };
                    continue;
                }
                let mut field = name.to_string();
                for a in s.attributes().flatten() {
                    let key = a.key.local_name();
                    let key = key.as_ref();
                    if key == "xmlns" || a.key.as_ref().starts_with("xmlns:") {
                        continue;
                    }
                    let val = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| format!("malformed XML attribute ({e})"))?;
                    match section {
                        Section::EventData if name == "Data" && key == "Name" => {
                            field = val.into_owned();
                        }
                        Section::System | Section::UserData => {
                            push(&mut out, key, &val);
                        }
                        _ => {}
                    }
                }
                if section == Section::UserData && level == 3 && userdata_child.is_none() {
                    userdata_child = Some(name.to_string());
                }
                if !empty {
                    current = Some((field, String::new()));
                }
            }
            X::Text(t) => {
                if let Some((_, buf)) = current.as_mut() {
                    buf.push_str(&t.xml10_content());
                }
            }
            X::CData(t) => {
                if let Some((_, buf)) = current.as_mut() {
                    buf.push_str(&t);
                }
            }
            X::GeneralRef(g) => {
                if let Some((_, buf)) = current.as_mut() {
                    match g.resolve_char_ref() {
                        Ok(Some(c)) => buf.push(c),
                        _ => buf.push_str(match &*g {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            "apos" => "'",
                            other => other,
                        }),
                    }
                }
            }
            X::End(_) => {
                if let Some((field, text)) = current.take() {
                    let keep = match section {
                        Section::Rendering => !out.contains_key(&field),
                        Section::None => false,
                        _ => true,
                    };
                    if keep && depth >= 3 {
                        push(&mut out, &field, &text);
                    }
                }
                depth = depth.saturating_sub(1);
                if depth < 2 {
                    section = Section::None;
                }
            }
            X::Eof => break,
            _ => {}
        }
    }
    if !saw_event {
        return Err("no <Event> element".into());
    }
    if depth != 0 && !lenient {
        return Err("malformed XML (unclosed elements)".into());
    }
    if let Some(id) = out.get("EventID").cloned() {
        out.insert("EventCode".into(), id);
    }
    for (tag, field) in [
        ("System", "System_Props_Xml"),
        ("EventData", "EventData_Xml"),
        ("UserData", "UserData_Xml"),
    ] {
        match inner_xml(raw, tag) {
            Some(inner) => push(&mut out, field, inner),
            // Cut short inside the part: what there is of it.
            None if lenient => {
                if let Some(rest) = open_part(raw, tag) {
                    push(&mut out, field, rest);
                }
            }
            None => {}
        }
    }
    if let Some(child) = userdata_child {
        if let Some(inner) = inner_xml(raw, &child) {
            push(&mut out, &format!("{child}_Xml"), inner);
        }
    }
    Ok(out)
}

pub(crate) fn push(out: &mut IndexMap<String, Vec<String>>, name: &str, value: &str) {
    let v = value.trim();
    if v.is_empty() {
        return;
    }
    out.entry(name.to_string()).or_default().push(v.to_string());
}

/// The text after `<tag …>` to the end, when the event is cut short before
/// its `</tag>`.
fn open_part<'a>(raw: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}");
    let i = raw.find(&open)?;
    let after = raw[i + open.len()..].chars().next()?;
    if after != '>' && !after.is_whitespace() {
        return None;
    }
    let close = raw[i..].find('>')? + i;
    (!raw[..close].ends_with('/')).then(|| &raw[close + 1..])
}

/// The text between `<tag …>` and `</tag>` (first occurrence).
pub(crate) fn inner_xml<'a>(raw: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}");
    let mut from = 0;
    let start = loop {
        let i = raw[from..].find(&open)? + from;
        let after = raw[i + open.len()..].chars().next()?;
        if after == '>' || after.is_whitespace() {
            let close = raw[i..].find('>')? + i;
            if raw[..close].ends_with('/') {
                return None;
            }
            break close + 1;
        }
        from = i + open.len();
    };
    let end = raw[start..].find(&format!("</{tag}>"))? + start;
    Some(&raw[start..end])
}

/// Windows XML events: each `<Event …>…</Event>` (one per line as
/// attack_data stores them; an event spanning lines is joined).
pub(crate) fn read_winxml(
    reader: &mut dyn BufRead,
    name: &str,
    emit: &mut Emit<'_>,
) -> crate::base::diag::Result<()> {
    let mut pending = String::new();
    let mut start_line = 0u64;
    for_lines(reader, name, &mut |lineno, text| {
        let mut rest = text;
        if !pending.is_empty() {
            pending.push('\n');
        }
        loop {
            if pending.is_empty() {
                let Some(i) = rest.find("<Event") else {
                    let t = rest.trim();
                    if !t.is_empty() && !is_xml_wrapper(t) {
                        return emit(Item::Bad {
                            line: lineno,
                            record: None,
                            msg: "not an <Event> element".into(),
                        });
                    }
                    return Ok(true);
                };
                // `<Events>` wrapper: skip it.
                if rest[i..].starts_with("<Events") {
                    rest = &rest[i + 7..];
                    continue;
                }
                start_line = lineno;
                rest = &rest[i..];
            }
            // A new `<Event` before this one's `</Event>`: this one was
            // never closed. It ends there (its fields up to the cut kept),
            // and the next starts, instead of swallowing it.
            let from = usize::from(pending.is_empty());
            let close = rest.find("</Event>");
            if let Some(k) = event_start(&rest[from..]).map(|k| k + from) {
                if close.is_none_or(|c| k < c) {
                    pending.push_str(&rest[..k]);
                    let cut = std::mem::take(&mut pending);
                    if !emit_cut(
                        &cut,
                        name,
                        start_line,
                        "not closed before the next <Event>",
                        emit,
                    )? {
                        return Ok(false);
                    }
                    rest = &rest[k..];
                    continue;
                }
            }
            match close {
                Some(j) => {
                    let end = j + "</Event>".len();
                    pending.push_str(&rest[..end]);
                    let raw = std::mem::take(&mut pending);
                    let item = match crate::input::winxml::parse_event(&raw) {
                        Ok(ev) => Item::Event {
                            ev,
                            raw_only: false,
                            ready: false,
                        },
                        Err(msg) => match parse_loose(&raw) {
                            // Splunk's add-on extracts with regexes, so a
                            // malformed event still gets its fields.
                            Some(ev) => {
                                eprintln!(
                                    "warning: {name}:{start_line}: {msg}; fields taken by pattern, as Splunk's Windows add-on would"
                                );
                                Item::Event {
                                    ev,
                                    raw_only: false,
                                    ready: false,
                                }
                            }
                            None => Item::Bad {
                                line: start_line,
                                record: None,
                                msg,
                            },
                        },
                    };
                    if !emit(item)? {
                        return Ok(false);
                    }
                    rest = &rest[end..];
                }
                None => {
                    pending.push_str(rest);
                    return Ok(true);
                }
            }
        }
    })?;
    if !pending.trim().is_empty() {
        // Cut short at the end of the input: keep what it holds, as Splunk's
        // extractions would, and say so.
        emit_cut(
            &pending,
            name,
            start_line,
            "cut short at the end of the input",
            emit,
        )?;
    }
    Ok(())
}

/// An `<Event>` that does not end: its fields up to the cut, with a warning
/// saying `why`, or a malformed record when nothing can be read from it.
fn emit_cut(
    raw: &str,
    name: &str,
    line: u64,
    why: &str,
    emit: &mut Emit<'_>,
) -> crate::base::diag::Result<bool> {
    match parse_truncated(raw) {
        Ok(ev) => {
            eprintln!("warning: {name}:{line}: <Event> {why}; its fields up to the cut are kept");
            emit(Item::Event {
                ev,
                raw_only: false,
                ready: false,
            })
        }
        Err(msg) => emit(Item::Bad {
            line,
            record: None,
            msg: format!("unterminated <Event> element, {why} ({msg})"),
        }),
    }
}

/// Where an `<Event>` element starts (not `<EventData>`, `<EventID>`, `<Events>`).
fn event_start(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find("<Event") {
        let at = from + i;
        match s[at + 6..].chars().next() {
            Some(c) if c == '>' || c.is_whitespace() => return Some(at),
            None => return None,
            _ => from = at + 6,
        }
    }
    None
}

pub(crate) fn is_xml_wrapper(t: &str) -> bool {
    (t.starts_with("<?xml") && t.ends_with("?>"))
        || t == "</Events>"
        || t.starts_with("<Events")
        || (t.starts_with("<!--") && t.ends_with("-->"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYSMON8: &str = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/><EventID>8</EventID><Version>2</Version><Level>4</Level><TimeCreated SystemTime='2022-10-27T13:59:12.440938600Z'/><EventRecordID>362233</EventRecordID><Correlation/><Execution ProcessID='2656' ThreadID='2360'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>win-dc.attackrange.local</Computer><Security UserID='S-1-5-18'/></System><EventData><Data Name='RuleName'>-</Data><Data Name='SourceImage'>C:\\Windows\\a &amp; b.exe</Data><Data Name='Empty'></Data><Data Name='StartModule'/></EventData></Event>";

    #[test]
    fn system_and_data_fields() {
        let ev = parse_event(SYSMON8).unwrap();
        let get = |k: &str| ev.get(k).and_then(|v| v.as_text()).map(|c| c.into_owned());
        assert_eq!(get("EventCode").as_deref(), Some("8"));
        assert_eq!(get("EventID").as_deref(), Some("8"));
        assert_eq!(get("Name").as_deref(), Some("Microsoft-Windows-Sysmon"));
        assert_eq!(get("ProcessID").as_deref(), Some("2656"));
        assert_eq!(get("UserID").as_deref(), Some("S-1-5-18"));
        assert_eq!(get("Computer").as_deref(), Some("win-dc.attackrange.local"));
        assert_eq!(
            get("SourceImage").as_deref(),
            Some("C:\\Windows\\a & b.exe")
        );
        assert_eq!(get("RuleName").as_deref(), Some("-"));
        assert_eq!(get("Empty"), None);
        assert_eq!(get("StartModule"), None);
        assert!(get("System_Props_Xml").unwrap().starts_with("<Provider"));
        assert!(get("EventData_Xml")
            .unwrap()
            .starts_with("<Data Name='RuleName'>"));
        assert_eq!(ev.time(), Some(1666879152.4409387));
    }

    #[test]
    fn userdata_fields() {
        let raw = "<Event xmlns='x'><System><EventID>1102</EventID></System><UserData><LogFileCleared xmlns='y'><SubjectUserName>bob</SubjectUserName></LogFileCleared></UserData></Event>";
        let f = extract(raw).unwrap();
        assert_eq!(f["SubjectUserName"], vec!["bob"]);
        assert!(f["LogFileCleared_Xml"][0].contains("bob"));
        assert!(f["UserData_Xml"][0].starts_with("<LogFileCleared"));
    }

    #[test]
    fn malformed_xml_gets_its_fields_by_pattern() {
        // security_content's 5141 example: `<Le>0</Level>`.
        let raw = "<Event xmlns='x'><System><EventID>5141</EventID><Le>0</Level><Task>14081</Task><TimeCreated SystemTime='2022-10-17T21:08:49.470503100Z'/><Computer>dc &amp; co</Computer></System><EventData><Data Name='ObjectClass'>nTDSDSA</Data><Data Name='TreeDelete'>%%14679</Data></EventData></Event>";
        assert!(parse_event(raw).is_err());
        let ev = parse_loose(raw).unwrap();
        let get = |k: &str| ev.get(k).map(|v| v.to_display(","));
        assert_eq!(get("EventCode").as_deref(), Some("5141"));
        assert_eq!(get("Task").as_deref(), Some("14081"));
        assert_eq!(get("Computer").as_deref(), Some("dc & co"));
        assert_eq!(get("ObjectClass").as_deref(), Some("nTDSDSA"));
        assert_eq!(get("Level"), None, "the broken element gives nothing");
        assert_eq!(ev.time(), Some(1_666_040_929.470_503));
        assert!(parse_loose("<Event><System></System></Event>").is_none());
    }

    #[test]
    fn an_unclosed_event_does_not_swallow_the_next() {
        let text = format!(
            "<Event xmlns='x'><System><EventID>1</EventID><Computer>a</Computer></System><EventData><Data Name='k'>v\n{SYSMON8}\n"
        );
        let mut evs = Vec::new();
        read_winxml(&mut text.as_bytes(), "f", &mut |item| {
            if let Item::Event { ev, .. } = item {
                evs.push(ev);
            }
            Ok(true)
        })
        .unwrap();
        let codes: Vec<String> = evs
            .iter()
            .map(|e| e.get("EventCode").unwrap().to_display(","))
            .collect();
        assert_eq!(codes, ["1", "8"], "both events, the cut one first");
        assert_eq!(evs[0].get("Computer").unwrap().to_display(","), "a");
        assert_eq!(
            event_start("<EventData><Events><Event xmlns='x'>"),
            Some(19)
        );
        assert_eq!(event_start("<EventID>"), None);
    }

    #[test]
    fn malformed() {
        assert!(parse_event("<Event><System><EventID>1</System></Event>").is_err());
        assert!(parse_event("<Foo/>").is_err());
    }
}
