//! Cryptographic eval functions: `md5`, `sha1`, `sha256`, `sha512` of the
//! UTF-8 text of a value, as lowercase hex. Numbers hash their Splunk
//! rendering (`md5(1.50)` hashes "1.5"); a multivalue is hashed value by
//! value (as the text functions treat multivalues); Null gives Null.

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use crate::base::value::Value;
use crate::functions::{EvalFunction, FnCtx};

pub static FUNCTIONS: &[EvalFunction] = &[
    EvalFunction {
        name: "md5",
        min_args: 1,
        max_args: Some(1),
        imp: md5_fn,
    },
    EvalFunction {
        name: "sha1",
        min_args: 1,
        max_args: Some(1),
        imp: sha1_fn,
    },
    EvalFunction {
        name: "sha256",
        min_args: 1,
        max_args: Some(1),
        imp: sha256_fn,
    },
    EvalFunction {
        name: "sha512",
        min_args: 1,
        max_args: Some(1),
        imp: sha512_fn,
    },
];

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn hash_with<D: Digest>(v: &Value) -> Value {
    match v {
        Value::Multi(vs) => Value::multi(vs.iter().map(hash_with::<D>).collect()),
        other => match other.as_text() {
            None => Value::Null,
            Some(t) => Value::Str(hex(&D::digest(t.as_bytes()))),
        },
    }
}

fn md5_fn(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(hash_with::<Md5>(&args[0]))
}

fn sha1_fn(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(hash_with::<Sha1>(&args[0]))
}

fn sha256_fn(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(hash_with::<Sha256>(&args[0]))
}

fn sha512_fn(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(hash_with::<Sha512>(&args[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, v: Value) -> Value {
        let f = FUNCTIONS.iter().find(|f| f.name == name).unwrap();
        (f.imp)(&[v], &FnCtx::default()).unwrap()
    }

    // Known-answer vectors (RFC 1321, FIPS 180 "abc" and empty-string digests).
    #[test]
    fn md5_vectors() {
        assert_eq!(
            call("md5", "".into()),
            Value::from("d41d8cd98f00b204e9800998ecf8427e")
        );
        assert_eq!(
            call("md5", "abc".into()),
            Value::from("900150983cd24fb0d6963f7d28e17f72")
        );
    }

    #[test]
    fn sha1_vectors() {
        assert_eq!(
            call("sha1", "abc".into()),
            Value::from("a9993e364706816aba3e25717850c26c9cd0d89d")
        );
    }

    #[test]
    fn sha256_vectors() {
        assert_eq!(
            call("sha256", "abc".into()),
            Value::from("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        assert_eq!(
            call("sha256", "".into()),
            Value::from("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
    }

    #[test]
    fn sha512_vectors() {
        assert_eq!(
            call("sha512", "abc".into()),
            Value::from(
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
                 2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
            )
        );
    }

    #[test]
    fn text_rendering_nulls_and_multivalues() {
        // Numbers hash their rendering: 1.50 renders "1.5".
        assert_eq!(call("md5", Value::Num(1.5)), call("md5", "1.5".into()));
        assert_eq!(call("md5", Value::Num(3.0)), call("md5", "3".into()));
        // UTF-8 bytes of non-ASCII text.
        assert_eq!(
            call("md5", "é".into()),
            Value::from(hex(&Md5::digest("é".as_bytes())))
        );
        assert_eq!(call("sha1", Value::Null), Value::Null);
        let m = Value::multi(vec!["abc".into(), "".into()]);
        assert_eq!(
            call("md5", m),
            Value::multi(vec![
                "900150983cd24fb0d6963f7d28e17f72".into(),
                "d41d8cd98f00b204e9800998ecf8427e".into()
            ])
        );
    }
}
