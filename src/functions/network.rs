//! IP address eval functions: `cidrmatch(cidr, ip)` (IPv4 and IPv6) and
//! `ipmask(mask, ip)` (IPv4).

use std::net::{IpAddr, Ipv4Addr};

use ipnet::IpNet;

use crate::base::value::Value;
use crate::functions::{EvalFunction, FnCtx};

pub static FUNCTIONS: &[EvalFunction] = &[
    EvalFunction {
        name: "cidrmatch",
        min_args: 2,
        max_args: Some(2),
        imp: cidrmatch,
    },
    EvalFunction {
        name: "ipmask",
        min_args: 2,
        max_args: Some(2),
        imp: ipmask,
    },
];

fn text(v: &Value) -> Option<String> {
    v.as_text().map(|c| c.trim().to_string())
}

/// A subnet in CIDR notation; a bare address is taken as a single host.
fn parse_cidr(s: &str) -> Option<IpNet> {
    if s.contains('/') {
        s.parse::<IpNet>().ok()
    } else {
        s.parse::<IpAddr>().ok().map(IpNet::from)
    }
}

/// TRUE when `ip` is inside the `cidr` subnet. An invalid subnet or address
/// is simply not a match (FALSE); a Null argument gives Null. For a
/// multivalue `ip` the result is TRUE when any of its values is inside.
fn cidrmatch(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    if args[0].is_null() || args[1].is_null() {
        return Ok(Value::Null);
    }
    let Some(net) = text(&args[0]).as_deref().and_then(parse_cidr) else {
        return Ok(Value::Bool(false));
    };
    let hit = args[1].values().iter().any(|v| {
        text(v)
            .and_then(|s| s.parse::<IpAddr>().ok())
            .is_some_and(|ip| net.contains(&ip))
    });
    Ok(Value::Bool(hit))
}

/// Bitwise AND of an IPv4 mask and an IPv4 address, in dotted-quad form.
/// Invalid input gives Null; a multivalue `ip` is masked value by value.
fn ipmask(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    if args[0].is_null() || args[1].is_null() {
        return Ok(Value::Null);
    }
    let Some(mask) = text(&args[0]).and_then(|s| s.parse::<Ipv4Addr>().ok()) else {
        return Ok(Value::Null);
    };
    let mask = u32::from(mask);
    let masked = args[1]
        .values()
        .iter()
        .map(|v| match text(v).and_then(|s| s.parse::<Ipv4Addr>().ok()) {
            Some(ip) => Value::Str(Ipv4Addr::from(u32::from(ip) & mask).to_string()),
            None => Value::Null,
        })
        .collect();
    Ok(Value::multi(masked))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, a: &str, b: &str) -> Value {
        call_v(name, Value::from(a), Value::from(b))
    }

    fn call_v(name: &str, a: Value, b: Value) -> Value {
        let f = FUNCTIONS.iter().find(|f| f.name == name).unwrap();
        (f.imp)(&[a, b], &FnCtx::default()).unwrap()
    }

    const T: Value = Value::Bool(true);
    const F: Value = Value::Bool(false);

    #[test]
    fn cidrmatch_doc_ipv4_examples() {
        assert_eq!(call("cidrmatch", "192.0.2.0/24", "192.0.3.0"), F);
        assert_eq!(call("cidrmatch", "192.0.2.0/24", "192.0.2.56"), T);
        assert_eq!(call("cidrmatch", "123.132.32.0/25", "123.132.32.127"), T);
        assert_eq!(call("cidrmatch", "123.132.32.0/25", "123.132.32.128"), F);
    }

    #[test]
    fn cidrmatch_doc_ipv6_examples() {
        let subnet = "2001:0db8:ffff:ffff:ffff:ffff:ffff:ff00/120";
        assert_eq!(
            call(
                "cidrmatch",
                subnet,
                "2001:0db8:ffff:ffff:ffff:ffff:ffff:ff99"
            ),
            T
        );
        assert_eq!(
            call(
                "cidrmatch",
                subnet,
                "2001:db8:ffff:ffff:ffff:ffff:fffe:ff99"
            ),
            F
        );
        // Families never match each other.
        assert_eq!(call("cidrmatch", "::/0", "10.1.2.3"), F);
    }

    #[test]
    fn cidrmatch_edge_cases() {
        assert_eq!(call("cidrmatch", "10.0.0.0/8", "not an ip"), F);
        assert_eq!(call("cidrmatch", "10.0.0.0/33", "10.1.1.1"), F);
        assert_eq!(call("cidrmatch", "garbage", "10.1.1.1"), F);
        assert_eq!(call("cidrmatch", "10.0.0.0/8", "10.1.1.1:443"), F);
        // Host bits in the subnet are ignored; a bare address matches itself.
        assert_eq!(call("cidrmatch", "10.1.2.3/8", "10.200.0.1"), T);
        assert_eq!(call("cidrmatch", "10.1.2.3", "10.1.2.3"), T);
        assert_eq!(call("cidrmatch", "10.1.2.3", "10.1.2.4"), F);
        assert_eq!(call("cidrmatch", "0.0.0.0/0", "255.255.255.255"), T);
        assert_eq!(
            call_v("cidrmatch", Value::from("10.0.0.0/8"), Value::Null),
            Value::Null
        );
        // Multivalue address: any value inside.
        let ips = Value::multi(vec!["8.8.8.8".into(), "10.9.9.9".into()]);
        assert_eq!(
            call_v("cidrmatch", Value::from("10.0.0.0/8"), ips.clone()),
            T
        );
        assert_eq!(call_v("cidrmatch", Value::from("192.168.0.0/16"), ips), F);
    }

    #[test]
    fn ipmask_doc_examples() {
        assert_eq!(
            call("ipmask", "255.255.255.0", "10.20.30.120"),
            Value::from("10.20.30.0")
        );
        assert_eq!(
            call("ipmask", "0.255.0.224", "10.20.30.120"),
            Value::from("0.20.0.96")
        );
        assert_eq!(
            call("ipmask", "255.0.255.0", "10.20.30.120"),
            Value::from("10.0.30.0")
        );
        assert_eq!(
            call("ipmask", "255.255.255.0", "1.2.3.4"),
            Value::from("1.2.3.0")
        );
    }

    #[test]
    fn ipmask_invalid_and_multivalue() {
        assert_eq!(call("ipmask", "255.255.255.0", "1.2.3"), Value::Null);
        assert_eq!(call("ipmask", "24", "1.2.3.4"), Value::Null);
        assert_eq!(call("ipmask", "255.255.0.0", "::1"), Value::Null);
        let ips = Value::multi(vec!["1.2.3.4".into(), "5.6.7.8".into()]);
        assert_eq!(
            call_v("ipmask", Value::from("255.255.0.0"), ips),
            Value::multi(vec!["1.2.0.0".into(), "5.6.0.0".into()])
        );
    }
}
