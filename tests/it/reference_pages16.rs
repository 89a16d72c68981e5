//! Search Reference 10.0 examples that used to be chosen differences.

use crate::common::{self, col};

/// Date and Time functions, strptime, Extended example:
/// `| gentimes start=8/13/18 increment=6h | fields starthuman endhuman |
/// eval startunix=strptime(starthuman,"%a %B %d %H:%M:%S.%N %Y")`. The
/// times have no subseconds, yet the page's table gives each a time
/// (1534143600.000000 for "Mon Aug 13 00:00:00 2018", in a zone seven
/// hours behind UTC): a subsecond part the value lacks is left out,
/// separator and all.
#[test]
fn strptime_extended_example_without_the_subseconds_the_format_names() {
    let out = common::spleval()
        .args(["run", "--now", "1534400000", "--tz", "America/Los_Angeles"])
        .args(["--format", "json", "--spl"])
        .arg(
            r#"| gentimes start=8/13/18 increment=6h | fields starthuman endhuman | eval startunix=strptime(starthuman,"%a %B %d %H:%M:%S.%N %Y")"#,
        )
        .output()
        .unwrap();
    let rows = common::rows(&common::stdout_ok(out));
    assert_eq!(
        col(&rows, "starthuman")[..2],
        ["Mon Aug 13 00:00:00 2018", "Mon Aug 13 06:00:00 2018"]
    );
    assert_eq!(
        col(&rows, "startunix")[..8],
        [
            "1534143600",
            "1534165200",
            "1534186800",
            "1534208400",
            "1534230000",
            "1534251600",
            "1534273200",
            "1534294800"
        ]
    );
}

/// The same leniency keeps the subseconds when they are there, and only a
/// subsecond conversion is skipped with its separator: another literal the
/// value lacks still makes the parse fail (NULL).
#[test]
fn strptime_subseconds_present_or_absent() {
    let row = common::eval_row(
        r#"a=strptime("2018-08-13 00:00:00.250", "%Y-%m-%d %H:%M:%S.%3N"), b=strptime("2018-08-13 00:00:00", "%Y-%m-%d %H:%M:%S.%3N"), c=strptime("2018-08-13 00:00:00", "%Y-%m-%d %H:%M:%S,%Q"), d=if(isnull(strptime("2018-08-13 00:00", "%Y-%m-%d %H:%M:%S")), "null", "time")"#,
    );
    assert_eq!(row["a"], serde_json::json!(1534118400.25));
    assert_eq!(row["b"], serde_json::json!(1534118400));
    assert_eq!(row["c"], serde_json::json!(1534118400));
    assert_eq!(row["d"], "null");
}
