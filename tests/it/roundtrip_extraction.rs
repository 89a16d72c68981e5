//! parse(print(ast)) == ast for the extraction commands.

use crate::common::roundtrip;
use spleval::commands::parse_pipeline;

#[test]
fn rex_and_regex_round_trip() {
    for spl in [
        r#"a | rex field=_raw "From: <(?<from>.*)> To: <(?<to>.*)>""#,
        r#"a | rex field="file_name" "\.(?<extension>[^\.]*$)""#,
        r#"a | rex max_match=0 field=destination{}.address "[^@]+@(?<d>[^@|]+)" offset_field=off"#,
        r#"a | rex field=Image "(?<ImageFolderPath>.+\\\)""#,
        r#"a | rex field=ccnumber mode=sed "s/(\\d{4}-){3}/XXXX-XXXX-XXXX-/g""#,
        r#"a | rex mode=sed "y/abc/xyz/""#,
        r#"a | regex _raw="(?<!\d)10\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\d)""#,
        r#"a | regex file_name =  "\\x{202E}" | regex process!="(?i)a|b""#,
        r#"a | regex "^\d+$""#,
    ] {
        roundtrip(spl);
    }
}

#[test]
fn structured_extraction_round_trips() {
    for spl in [
        "a | spath",
        "a | spath input=Data path=ad output=alert_description",
        r#"a | spath "query_type{}" | spath eventName"#,
        "a | spath output=dest responseElements.instancesSet.items{}.instanceId",
        "a | spath input=object_attrs output=B2BNew path={}",
        r#"a | spath output="locDesc.locale" path="vendorProductSet.product.desc.locDesc{@locale}""#,
        "a | xmlkv | xmlkv Message maxinputs=10",
        "a | fromjson Data | fromjson object prefix=cat_",
        "a | extract | kv pairdelim=\";\" kvdelim=\":\" mv_add=true",
        "a | multikv | multikv copyattrs=false rmorig=f fields COMMAND PID filter splunkd \"a b\"",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn field_commands_round_trip() {
    for spl in [
        r#"a | replace "%%14674" with "Value Added", "%%14675" with "Value Deleted" in OperationType"#,
        r#"a | replace "::ffff:*" with * in src | replace *localhost WITH localhost IN host, ip"#,
        r#"a | replace "with" WITH "in" | replace "" WITH x IN f"#,
        "a | fillnull | fillnull value=NULL | fillnull value=0 unique_accounts, unique_src",
        r#"a | fillnull value="m1.small" requestParameters.instanceType"#,
        r#"a | makemv delim=" " type | makemv tokenizer="([^,]+),?" allowempty=t setsv=f senders"#,
        "a | mvexpand current_answer | mvexpand limit=5 findings",
        r#"a | mvcombine host | mvcombine delim="," host | nomv senders"#,
    ] {
        roundtrip(spl);
    }
}

#[test]
fn foreach_addtotals_bin_iplocation_round_trip() {
    for spl in [
        r#"a | foreach * [ eval <<FIELD>> = if(<<FIELD>>="null",null(),<<FIELD>>)]"#,
        r#"a | foreach stdev_* [eval anomalies=if('<<MATCHSTR>>' > 'avg_<<MATCHSTR>>', anomalies . "]", anomalies)]"#,
        "a | foreach mode=multivalue vals [eval s=s+<<ITEM>>] | foreach a* b* fieldstr=#f# [eval #f#=1 | eval z=2]",
        "a | addtotals | addtotals fieldname=Score is_autodiscover, powershell, mapi",
        "a | addtotals row=f col=t labelfield=change_name label=ALL count*",
        "a | bin _time span=5m | bucket span=10m _time | bin _time as bin_time span=10m",
        "a | bin span=1h gtime | bin size bins=10 start=0 end=1000 | bin x span=2log10 AS y minspan=1",
        "a | iplocation src | iplocation prefix=auth_ allfields=true lang=es dest | iplocation sourceIPs{}",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn unknown_options_are_errors_at_the_option() {
    for (spl, bad) in [
        ("a | rex foo=1 \"(?<a>x)\"", "foo=1"),
        ("a | spath inptu=x", "inptu=x"),
        ("a | fillnull valeu=1", "valeu=1"),
        ("a | makemv delimiter=, x", "delimiter=,"),
        ("a | mvexpand x limt=2", "limt=2"),
        ("a | bin _time spam=5m", "spam=5m"),
        ("a | addtotals rows=t", "rows=t"),
        ("a | iplocation prefx=a src", "prefx=a"),
        ("a | extract pairdelm=;", "pairdelm=;"),
        ("a | foreach x colour=1 [eval a=1]", "colour=1"),
        ("a | multikv forcehead=2", "forcehead=2"),
        ("a | xmlkv maxinput=1", "maxinput=1"),
        ("a | fromjson x perfix=y", "perfix=y"),
        ("a | mvcombine delimiter=, x", "delimiter=,"),
    ] {
        let e = parse_pipeline(spl).expect_err(spl);
        let start = e.offset(spl.len());
        assert_eq!(&spl[start..start + e.len], bad, "{spl}: {}", e.msg);
        assert!(e.msg.contains("unknown"), "{spl}: {}", e.msg);
    }
}
