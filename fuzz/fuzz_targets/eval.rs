//! Eval expressions: any text compiles or is an error, and a compiled one
//! evaluates (to a value or an error) over an event with a few fields,
//! never a panic, an abort or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spleval::base::event::Event;
use spleval::base::value::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(c) = spleval::eval::compile_text(s) else {
        return;
    };
    let mut ev = Event::new();
    ev.set("a", Value::from("10"));
    ev.set("b", Value::from("x,y,z"));
    ev.set("user", Value::from("Administrator"));
    ev.set("mv", Value::multi(vec![Value::from("1"), Value::from("2")]));
    ev.set("_time", Value::Num(1_700_000_000.0));
    let ctx = spleval::functions::FnCtx::default();
    let _ = spleval::eval::eval(&c, &ev, &ctx);
});
