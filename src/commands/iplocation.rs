//! `iplocation [prefix=<string>] [allfields=<bool>] [lang=<string>] <ip-field>`:
//! adds `City`, `Country`, `Region`, `lat`, `lon` (and with `allfields=true`
//! `Continent`, `MetroCode`, `Timezone`), each named with `prefix`, from a
//! MaxMind City database (`--geoip` or `SPLEVAL_GEOIP`). Names are in `lang`
//! (default English; a comma list is tried in order, then English;
//! `lang=code` gives the two-letter ISO codes of Country, Region and
//! Continent, City having none keeps its English name). `lat` and `lon`
//! have five decimals, as the page's IPv6 example shows (`37.75100`). An
//! address the database does not know (private
//! ranges, bad text) gets no fields; a known one gets every field, empty
//! where the database has nothing. Without a database no fields are added
//! and one warning on stderr says why; the search still runs.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Deserialize;

use super::support::fields::{field_ref, FieldRef};
use super::support::xutil::{self, check_bool, get, known_option, opt_bool};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "iplocation",
    aliases: &[],
    parse,
    syntax: "iplocation [prefix=<string>] [allfields=<bool>] [lang=<string>] <ip-field>",
    plan: super::planner::<IplocationCmd>,
};

static WARNED: AtomicBool = AtomicBool::new(false);

#[derive(Debug)]
pub struct IplocationCmd {
    pub options: Vec<Opt>,
    pub field: FieldRef,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut options = Vec::new();
    let mut field = None;
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        let (r, o) = known_option(src, rest, "iplocation", &["prefix", "allfields", "lang"])?;
        if let Some(mut o) = o {
            if o.key.eq_ignore_ascii_case("allfields") {
                check_bool(&o)?;
            }
            let mut r = r;
            if o.key.eq_ignore_ascii_case("lang") {
                // "To specify more than one language, separate them with a
                // comma": `lang=es,en`.
                while let Some(after) = r.strip_prefix(',') {
                    let end = after
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                        .unwrap_or(after.len());
                    if end == 0 {
                        return cut(fail(after, "expected a language after ','"));
                    }
                    o.value = format!("{},{}", o.value, &after[..end]);
                    r = &after[end..];
                }
            }
            options.push(o);
            rest = r;
            continue;
        }
        if field.is_some() {
            return cut(fail(rest, "iplocation takes one IP address field"));
        }
        let (r, f) = field_ref(src, rest)?;
        field = Some(f);
        rest = r;
    }
    let Some(field) = field else {
        return cut(fail(
            rest,
            "iplocation needs the field holding the IP address",
        ));
    };
    Ok((rest, Box::new(IplocationCmd { options, field })))
}

impl fmt::Display for IplocationCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("iplocation")?;
        xutil::print_opts(f, &self.options)?;
        write!(f, " {}", self.field)
    }
}

fn warn_once(msg: &str) {
    if !WARNED.swap(true, Ordering::Relaxed) {
        eprintln!("warning: iplocation: {msg}; location fields are not added");
    }
}

impl Command for IplocationCmd {
    fn name(&self) -> &'static str {
        "iplocation"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "field": self.field })
    }
    fn writes(&self) -> Vec<String> {
        let prefix = get(&self.options, "prefix")
            .map(|o| o.value.clone())
            .unwrap_or_default();
        [
            "City",
            "Country",
            "Region",
            "lat",
            "lon",
            "Continent",
            "MetroCode",
            "Timezone",
        ]
        .iter()
        .map(|n| format!("{prefix}{n}"))
        .collect()
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::reads([self.field.name.clone()])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for IplocationCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let reader = match &ctx.geoip {
            None => {
                warn_once("no MaxMind database given (use --geoip <file.mmdb> or SPLEVAL_GEOIP)");
                None
            }
            Some(p) => match maxminddb::Reader::open_readfile(p) {
                Ok(r) => Some(r),
                Err(e) => {
                    warn_once(&format!(
                        "cannot read MaxMind database {}: {e}",
                        p.display()
                    ));
                    None
                }
            },
        };
        Ok(Box::new(IplocationOp {
            field: self.field.name.clone(),
            prefix: get(&self.options, "prefix")
                .map(|o| o.value.clone())
                .unwrap_or_default(),
            allfields: opt_bool(&self.options, "allfields", false)?,
            langs: get(&self.options, "lang")
                .map(|o| {
                    o.value
                        .split(',')
                        .map(|l| l.trim().to_string())
                        .filter(|l| !l.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            reader,
        }))
    }
}

#[derive(Deserialize, Default)]
struct Named {
    #[serde(default)]
    names: BTreeMap<String, String>,
    /// Country and subdivision ISO code.
    #[serde(default)]
    iso_code: Option<String>,
    /// Continent code.
    #[serde(default)]
    code: Option<String>,
}

#[derive(Deserialize, Default)]
struct Location {
    #[serde(default)]
    latitude: Option<f64>,
    #[serde(default)]
    longitude: Option<f64>,
    #[serde(default)]
    /// uint16 in the GeoIP2 schema (the decoder is strict about widths).
    metro_code: Option<u16>,
    #[serde(default)]
    time_zone: Option<String>,
}

/// The parts of a GeoIP2/GeoLite2 City record iplocation uses.
#[derive(Deserialize, Default)]
struct CityRecord {
    #[serde(default)]
    city: Named,
    #[serde(default)]
    country: Named,
    #[serde(default)]
    continent: Named,
    #[serde(default)]
    subdivisions: Vec<Named>,
    #[serde(default)]
    location: Location,
}

struct IplocationOp {
    field: String,
    prefix: String,
    allfields: bool,
    /// `lang=` in priority order (empty: English).
    langs: Vec<String>,
    reader: Option<maxminddb::Reader<Vec<u8>>>,
}

impl IplocationOp {
    fn name(&self, n: &Named) -> String {
        for l in &self.langs {
            let hit = if l.eq_ignore_ascii_case("code") {
                n.iso_code.as_ref().or(n.code.as_ref())
            } else {
                n.names.get(l)
            };
            if let Some(v) = hit {
                return v.clone();
            }
        }
        n.names.get("en").cloned().unwrap_or_default()
    }

    fn lookup(&self, ip: IpAddr) -> Option<CityRecord> {
        let r = self.reader.as_ref()?;
        r.lookup(ip).ok()?.decode::<CityRecord>().ok()?
    }
}

impl Operator for IplocationOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if self.reader.is_none() {
            return out(ev);
        }
        let ip = ev
            .get(&self.field)
            .and_then(|v| v.as_text().map(|t| t.into_owned()))
            .and_then(|t| {
                let t = t.trim();
                // A subnet (10.1.2.0/24) is looked up by its address.
                t.split('/').next().and_then(|a| a.parse::<IpAddr>().ok())
            });
        let Some(rec) = ip.and_then(|ip| self.lookup(ip)) else {
            return out(ev);
        };
        let num = |x: Option<f64>| x.map(|v| format!("{v:.5}")).unwrap_or_default();
        let mut fields: Vec<(&str, String)> = vec![
            ("City", self.name(&rec.city)),
            ("Country", self.name(&rec.country)),
            (
                "Region",
                rec.subdivisions
                    .first()
                    .map(|s| self.name(s))
                    .unwrap_or_default(),
            ),
            ("lat", num(rec.location.latitude)),
            ("lon", num(rec.location.longitude)),
        ];
        if self.allfields {
            fields.push(("Continent", self.name(&rec.continent)));
            fields.push((
                "MetroCode",
                rec.location
                    .metro_code
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
            ));
            fields.push((
                "Timezone",
                rec.location.time_zone.clone().unwrap_or_default(),
            ));
        }
        for (k, v) in fields {
            ev.set(format!("{}{k}", self.prefix), Value::Str(v));
        }
        out(ev)
    }
}
