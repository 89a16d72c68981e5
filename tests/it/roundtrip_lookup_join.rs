//! parse → print → parse keeps the AST of the lookup and multi-search
//! commands, for hand-written strings and lines from security_content.

use crate::common::roundtrip;
use spleval::commands::parse_pipeline;

#[test]
fn lookup_round_trips() {
    for spl in [
        "a | lookup usertogroup user",
        "a | lookup local=t update=true usertogroup user AS local_user OUTPUT group AS user_group",
        "a | lookup users.csv user, host AS h OUTPUTNEW group, dept AS department",
        "a | lookup \"my lookup\" \"field name\" AS x output y",
        // security_content
        "a | lookup asr_rules ID AS ASR_ID OUTPUT ASR_Rule",
        "a | lookup update=true interesting_ports_lookup dest_port as All_Traffic.dest_port OUTPUT app is_prohibited note transport",
        "a | lookup remote_access_software remote_utility AS process_name OUTPUT isutility, description as signature, comment_reference as desc, category",
        "a | lookup hijacklibs_loaded library AS loaded_file excludes as loaded_file_path OUTPUT islibrary as excluded",
        "a | lookup identity_lookup_expanded category, identity as SidHistory OUTPUT identity_tag as match",
        "a | lookup previously_seen_aws_cross_account_activity requestingAccountId, requestedAccountId, OUTPUTNEW firstTime",
        "a | lookup update=true dynamic_dns_providers_default dynamic_dns_domains as\n  query OUTPUTNEW isDynDNS_default | lookup update=true dynamic_dns_providers_local dynamic_dns_domains as query OUTPUTNEW isDynDNS_local",
        "a | lookup char_conversion_matrix bin as b64x_by8 output ascii as b64x_out",
        "a | lookup admon_groups_def objectSid as aceSid OUTPUT cn as group ``` comment ```",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn inputlookup_and_outputlookup_round_trip() {
    for spl in [
        "| inputlookup usertogroup",
        "| inputlookup append=t strict=f start=2 max=10 users.csv WHERE (group=admins OR dept=IT) NOT user=a*",
        "| inputlookup previously_seen_users_console_logins | stats min(firstTime) as firstTime by user",
        "a | inputlookup append=t previously_seen_ec2_amis.csv",
        "a | inputlookup baseline_blocked_outbound_connections append=t",
        "a NOT [inputlookup domains] NOT [| inputlookup cim_corporate_web_domain_lookup | fields domain]",
        "a | outputlookup previously_seen_ec2_amis.csv",
        "a | outputlookup append=true create_empty=false override_if_empty=false max=10 key_field=_key kvstore_thing",
        "| makeresults | outputlookup seen.csv append=t",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn join_append_appendpipe_round_trip() {
    for spl in [
        "a | join product_id [search vendors]",
        "a | join type=left usetime=t earlier=f overwrite=false max=0 product_id, host [search vendors | rename pid AS product_id]",
        "a | join [search b | table x y]",
        "a | join user type=outer [| inputlookup previously_seen_users_console_logins | stats min(firstTime) AS firstTime by user]",
        "a | join ObjectDN type=inner [| search admon objectCategory=\"CN=Group-Policy-Container*\" admonEventType=Update | stats latest(displayName) as displayName by ObjectDN]",
        "a | join malicious_id type=inner[| inputlookup x]",
        "a | join domain[| inputlookup x]",
        "a | join left=L right=R where L.pid = R.pid [search b]",
        "a | join type=outer max=0 left=products right=vendors where products.product_id=vendors.pid, products.\"a b\"==vendors.c [search vendors]",
        "a | join left=L right=R where L.x=R.y AND R.z=L.w usetime=t [search b]",
        "a | append [search b | stats count by c]",
        "a | append extendtimerange=t maxtime=30 maxout=100 timeout=5 [| makeresults | eval x=1]",
        "a | append [inputlookup users]",
        "a | appendpipe [stats sum(count) as count by action]",
        "a | appendpipe run_in_preview=f [| stats count | where count=0]",
        "a | appendpipe [search x=1 | eval y=2]",
        "a | appendpipe [where count > 2 | append [search z]]",
        "a [search b [search c | fields d] | fields e] | join e [search f [| inputlookup g | fields e]]",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn rest_round_trips() {
    for spl in [
        "| rest /services/server/info",
        "| rest splunk_server=local count=0 /servicesNS/-/-/saved/searches search=\"index=*\" | table title",
        "| rest /services/data/indexes timeout=30 strict=true datatype=all",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn generating_first_word_in_a_subsearch_is_a_command() {
    let p = parse_pipeline("a NOT [inputlookup domains]").unwrap();
    let printed = p.to_string();
    assert_eq!(printed, "a NOT [| inputlookup domains]");
    // A non-generating command name stays a search term.
    let p = parse_pipeline("a [eval]").unwrap();
    assert_eq!(p.to_string(), "a [eval]");
}
