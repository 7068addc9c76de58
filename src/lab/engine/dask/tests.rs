//! The driver's lines, its arguments and scheduler addresses.

use super::line::Line;
use super::*;
use crate::lab::Workload;

#[test]
fn driver_lines_parse_and_garbage_does_not() {
    let l: Line =
        serde_json::from_str(r#"{"e":"d","a":"tcp://10.0.0.2:4000","i":3,"v":94,"t":12}"#).unwrap();
    assert_eq!(
        l,
        Line::Done {
            a: "tcp://10.0.0.2:4000".into(),
            i: 3,
            v: 94,
            t: 12
        }
    );
    let l: Line = serde_json::from_str(
        r#"{"e":"cluster","w":[{"a":"tcp://h:1","running":2,"host":"h","nthreads":4,"mem":100,"used":50,"cpu":99.5}],"t":1}"#,
    )
    .unwrap();
    let Line::Cluster { w } = l else {
        panic!("not a cluster line")
    };
    assert_eq!(
        (w[0].host.as_str(), w[0].nthreads, w[0].running),
        ("h", 4, 2)
    );
    let l: Line =
        serde_json::from_str(r#"{"e":"lost","a":"tcp://h:1","t":5,"running":[4,5]}"#).unwrap();
    assert_eq!(
        l,
        Line::Lost {
            a: "tcp://h:1".into(),
            t: 5,
            running: vec![4, 5]
        }
    );
    assert!(serde_json::from_str::<Line>("Traceback (most recent call last):").is_err());
    assert!(serde_json::from_str::<Line>(r#"{"e":"nope"}"#).is_err());
}

#[test]
fn driver_arguments_carry_the_config_and_the_scheduler() {
    let config = LabConfig {
        workers: 3,
        tasks: 10,
        task_size: 100,
        chunksize: 2,
        scheduler: Some(std::sync::Arc::new("tcp://127.0.0.1:8786".into())),
        ..LabConfig::new(Workload::Cpu)
    };
    let args = driver_args(&config).join(" ");
    assert!(
        args.starts_with(
            "--workers 3 --tasks 10 --size 100 --chunksize 2 --kind primes --connect-timeout 3 --scheduler tcp://127.0.0.1:8786"
        ),
        "{args}"
    );
    let local = driver_args(&LabConfig::new(Workload::Sleep)).join(" ");
    assert!(!local.contains("--scheduler"), "{local}");
    assert!(local.contains("--kind sleep"), "{local}");
}

#[test]
fn scheduler_addresses_are_checked() {
    assert_eq!(
        parse_scheduler("127.0.0.1:8786").unwrap(),
        "tcp://127.0.0.1:8786"
    );
    assert_eq!(
        parse_scheduler(" tcp://node7:8786 ").unwrap(),
        "tcp://node7:8786"
    );
    assert!(parse_scheduler("tls://h:1").is_ok());
    for bad in [
        "",
        "node7",
        "tcp://node7",
        "tcp://:8786",
        "http://h:1",
        "h:0",
        "h:99999",
    ] {
        let e = parse_scheduler(bad).unwrap_err();
        assert!(e.contains("tcp://HOST:PORT"), "{bad}: {e}");
    }
}
