//! parse(print(ast)) == ast for the statistics and data model commands,
//! including real tstats/mstats searches from security_content (macros
//! expanded by hand).

use crate::common::roundtrip;
use spleval::commands::parse_pipeline;

#[test]
fn eventstats_round_trips() {
    for spl in [
        "a | eventstats count",
        "a | eventstats max(enough_data) as enough_data",
        "a | eventstats avg(unique_accounts) as comp_avg , stdev(unique_accounts) as comp_std by IpAddress, Computer",
        "a | eventstats allnum=t avg(numShareName) as avgShareName, count as numSlots by dest, _time, EventCode, src_user",
        "a | eventstats stdev(query_length) AS stdev avg(query_length) AS avg p50(query_length) AS p50",
        "a | eventstats dc(eval(if(x>1, y, null()))) AS n BY \"source.workload.name\"",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn streamstats_round_trips() {
    for spl in [
        "a | streamstats window=2 current=1 range(_time) as TimeDelta by session_id",
        "a | streamstats count as rank by src query",
        "a | streamstats time_window=1h global=false sum(bytes) AS total, dc(user) BY host",
        "a | streamstats count reset_after=\"(count>=3)\"",
        "a | streamstats reset_before=(action==\"LOGON\") count by host reset_on_change=true",
        "a | streamstats count reset_after=\"(action==\\\"success\\\")\"",
        "a | streamstats reset_after = (number==sqrt(9)) sum(number) as summ",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn top_and_rare_round_trip() {
    for spl in [
        "a | top src_ip src_user http_user_agent data.labels.authorization.k8s.io/decision",
        "a | top sourceIPs{} user.username verb responseStatus.status",
        "a | top 20 limit=5 countfield=n percentfield=p showcount=f showperc=t useother=t otherstr=\"the rest\" url by host",
        "a | rare user.username annotations.authorization.k8s.io/reason",
        "a | rare limit=3 src_user, dest BY app",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn chart_and_timechart_round_trip() {
    for spl in [
        "a | chart count over host by action",
        "a | chart count by host action",
        "a | chart limit=top5 useother=f usenull=false nullstr=none count, avg(bytes) AS b OVER host BY action",
        "a | chart max(x) by y",
        "a | timechart limit=0 span=5m count",
        "a | timechart span=1h count by host",
        "a | timechart span=1d useother=f otherstr=rest limit=bottom3 avg(bytes) AS b, max(bytes) BY user",
        "a | timechart cont=false bins=50 dc(user)",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn transaction_round_trips() {
    for spl in [
        "a | transaction user startsWith=(operationName=\"Enable account\") endsWith=(operationName=\"Reset password (by admin)\") maxspan=2m",
        "a | transaction user connected=false maxspan=240m",
        "a | transaction dest connected=false maxpause=5m",
        "a | transaction Task_Name  startswith=(EventCode=4698) endswith=(EventCode=4699)",
        "a | transaction ObjectDN AttributeValue startswith=(EventCode=5136 OperationType=\"%%14674\") endswith=(EventCode=5136 OperationType=\"%%14675\")",
        "a | transaction clientip, host maxevents=10 keepevicted=true mvlist=t startswith=\"login OR signon\" endswith=logout",
        "a | transaction startswith=eval(speed_field < max_speed_field/12) endswith=eval(x==\"a b\")",
        "a | transaction",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn anomalydetection_round_trips() {
    for spl in [
        "a | anomalydetection \"count\" \"user_type\" \"user_arn\" action=annotate",
        "a | anomalydetection method=zscore action=filter pthresh=0.05 bytes",
        "a | anomalydetection",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn tstats_corpus_searches_round_trip() {
    for spl in [
        // windows_files_and_dirs_access_rights_modification_via_icacls (note `IN(` and `,,`)
        "| tstats summariesonly=false allow_old_summaries=true fillnull_value=null min(_time) as firstTime max(_time) as lastTime from datamodel=Endpoint.Processes where Processes.process_name IN( \"icacls.exe\", \"cacls.exe\",\"xcacls.exe\") AND Processes.process IN (\"*:R*\", \"*:W*\", \"*:F*\", \"*:C*\",, \"*:N*\",\"*/P*\", \"*/E*\") by Processes.parent_process_name Processes.parent_process Processes.process_name Processes.process Processes.process_guid Processes.dest Processes.user | rename Processes.* AS * | convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(firstTime) | convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(lastTime) | search *",
        // detect_usb_device_insertion (nodename in parentheses)
        "| tstats summariesonly=false allow_old_summaries=true fillnull_value=null count earliest(_time) AS earliest latest(_time) AS latest from datamodel=Change_Analysis where (nodename = All_Changes) All_Changes.result=\"Removable Storage device\" (All_Changes.result_id=4663 OR All_Changes.result_id=4656) (All_Changes.src_priority=high) by All_Changes.dest | rename All_Changes.* AS *| convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(earliest)| convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(latest)  | search *",
        // large_volume_of_dns_any_queries (quoted field names)
        "| tstats summariesonly=false allow_old_summaries=true fillnull_value=null count from datamodel=Network_Resolution where nodename=DNS \"DNS.message_type\"=\"QUERY\" \"DNS.record_type\"=\"ANY\" by \"DNS.dest\" | rename DNS.* AS * | where count>200 | search *",
        // excessive_dns_failures (quoted fields with != and NOT)
        "| tstats summariesonly=false allow_old_summaries=true fillnull_value=null count from datamodel=Network_Resolution where nodename=DNS \"DNS.reply_code\"!=\"No Error\" \"DNS.reply_code\"!=\"NoError\" DNS.reply_code!=\"unknown\" NOT \"DNS.query\"=\"*.arpa\" \"DNS.query\"=\"*.*\" by \"DNS.src\" \"DNS.query\" \"DNS.reply_code\" | rename DNS.* AS * | eventstats max(count) as mc by src reply_code | eval mode_query=if(count=mc, query, null()) | stats sum(count) as count values(mode_query) as query values(mc) as max_query_count by src reply_code | where count>50",
        // span in the middle of the by list
        "| tstats summariesonly=false allow_old_summaries=true fillnull_value=null values(All_Traffic.action) as action values(All_Traffic.src_category) as src_category count from datamodel=Network_Traffic where All_Traffic.src_ip IN (\"10.0.0.0/8\",\"172.16.0.0/12\",\"192.168.0.0/16\") by All_Traffic.src_ip All_Traffic.dest_port All_Traffic.dest_ip span=1s _time All_Traffic.transport | rename All_Traffic.* AS *",
        // risk: nested boolean logic, `by _time span=1h …`
        "| tstats summariesonly=false allow_old_summaries=true fillnull_value=null min(_time) as firstTime max(_time) as lastTime sum(All_Risk.calculated_risk_score) as risk_score, count(All_Risk.calculated_risk_score) as risk_event_count, values(All_Risk.analyticstories) as analyticstories, dc(source) as source_count dc(All_Risk.analyticstories) as dc_analyticstories from datamodel=Risk.All_Risk where All_Risk.analyticstories IN (\"ProxyNotShell\",\"ProxyShell\") OR (All_Risk.analyticstories IN (\"ProxyNotShell\",\"ProxyShell\") AND All_Risk.analyticstories=\"Cobalt Strike\") All_Risk.risk_object_type=\"system\" by _time span=1h All_Risk.risk_object All_Risk.risk_object_type | rename All_Risk.* AS * | where source_count >=5 | search *",
        // options between the aggregations
        "| tstats count summariesonly=false allow_old_summaries=true fillnull_value=null values(Web.url) as url from datamodel=Web.Web by Web.dest Web.site",
        // comma after span, WHERE/BY upper case, spaces around =
        "| tstats count earliest(_time) as firstTime, latest(_time) as lastTime from datamodel=Authentication WHERE Authentication.action = failure Authentication.app=AwsConsoleSignIn BY Authentication.app _time span=1h, Authentication.src",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn tstats_option_and_clause_orders_round_trip() {
    for spl in [
        "| tstats prestats=t append=t local=f chunk_size=1000 include_reduced_buckets=t count from datamodel=Endpoint.Processes",
        "| tstats datamodel=Endpoint.Processes count where nodename=Processes by Processes.dest",
        "| tstats count where index=main by sourcetype span=1d",
        "| tstats count from sid=1234.5 groupby host",
        "| tstats count from my_namespace where x=1",
        "| tstats count where index=_internal from datamodel=Web",
        "| tstats count by host | tstats prestats=t append=t count from datamodel:Web.Web",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn mstats_datamodel_from_round_trip() {
    for spl in [
        "| mstats avg(process.cpu.utilization) as process.cpu.utilization avg(process.memory.utilization) as process.memory.utilization where index=kubernetes_metrics AND process.executable.name IN (\"sh\",\"bash\",\"csh\", \"tcsh\") by host.name k8s.cluster.name k8s.node.name process.pid process.executable.name span=10s",
        "| mstats avg(tcp.*) as tcp.* avg(udp.*) as udp.* where index=kubernetes_metrics AND earliest=-1h by k8s.cluster.name source.workload.name dest.workload.name span=10s",
        "| mstats count(k8s.container.ready) as k8s.container.ready_count where index=kubernetes_metrics AND earliest=-24h by host.name k8s.cluster.name",
        "| mstats prestats=t avg(cpu) WHERE index=m span=30s BY host",
        "| datamodel Endpoint Processes search",
        "| datamodel Network_Traffic All_Traffic flat strict_fields=false",
        "| datamodel",
        "| from datamodel Web.Web",
        "| from datamodel:Alerts.Alerts | stats count",
        "| from datamodel:\"Identity_Management.All_Identities\"",
        "| from inputlookup:geo_attr_countries.csv",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn tstats_ast_is_typed() {
    let p = parse_pipeline(
        "| tstats summariesonly=t count values(Processes.process) as process min(_time) as firstTime from datamodel=Endpoint.Processes where Processes.process_name IN (\"a.exe\", b.exe) NOT (Processes.user=x OR \"Processes.dest\"=y) by _time span=1h Processes.dest",
    )
    .unwrap();
    let ast = &p.shape()["commands"][0]["ast"];
    assert_eq!(ast["options"][0]["key"], "summariesonly");
    assert_eq!(ast["aggregations"].as_array().unwrap().len(), 3);
    assert_eq!(ast["aggregations"][1]["func"], "values");
    assert_eq!(ast["aggregations"][2]["alias"]["name"], "firstTime");
    assert_eq!(ast["source"]["type"], "Datamodel");
    assert_eq!(ast["source"]["datamodel"]["model"], "Endpoint");
    assert_eq!(ast["source"]["datamodel"]["dataset"], "Processes");
    assert_eq!(ast["where"]["type"], "And");
    assert_eq!(ast["where"]["items"][0]["type"], "In");
    assert_eq!(ast["where"]["items"][1]["type"], "Not");
    assert_eq!(
        ast["where"]["items"][1]["expr"]["items"][1]["field"],
        "Processes.dest"
    );
    assert_eq!(ast["by"][0]["name"], "_time");
    assert_eq!(ast["by"][1]["name"], "Processes.dest");
    assert_eq!(ast["span_option"]["value"], "1h");
}

#[test]
fn the_search_command_keeps_its_own_rules() {
    // Both read `"field"=value` as a comparison (the corpus writes
    // `"result.status" IN (…)` in plain searches too), but only the tstats
    // where clause stops at BY: in the search command `by y` are two terms.
    let p = parse_pipeline("search \"DNS.query\"=x by y").unwrap();
    let ast = &p.shape()["commands"][0]["ast"]["expr"];
    assert_eq!(ast["type"], "And");
    assert_eq!(ast["items"][0]["type"], "Compare");
    assert_eq!(ast["items"][0]["field"], "DNS.query");
    assert_eq!(ast["items"][1]["type"], "Term");
    assert_eq!(ast["items"].as_array().unwrap().len(), 3);
    // A quoted string with no operator after it stays a phrase.
    let p = parse_pipeline("search \"a phrase\" x").unwrap();
    let ast = &p.shape()["commands"][0]["ast"]["expr"];
    assert_eq!(ast["items"][0]["type"], "Term");
}
