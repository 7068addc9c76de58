//! How big a trace is: one minute at 250 ms (240 samples) made by the
//! scripted sampler through the recorder, on 2 to 256 cores, with a
//! family of one process per core plus the master (a lab run on every
//! core), compressed as written and uncompressed.
//!
//!     cargo run --example trace_size                 # print the table
//!     cargo run --example trace_size -- --write DIR  # also keep the traces
//!
//! Prints figures; asserts nothing.

use std::io::Read;
use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let write = match args.as_slice() {
        [] => None,
        [flag, dir] if flag == "--write" => Some(std::path::PathBuf::from(dir)),
        _ => {
            eprintln!("usage: trace_size [--write DIR]");
            std::process::exit(2);
        }
    };
    let samples = 240;
    let interval = Duration::from_millis(250);
    println!("one minute at 250 ms ({samples} samples), scripted sampler through the recorder");
    println!(
        "{:>6} {:>10} {:>14} {:>14}",
        "cores", "processes", "compressed", "uncompressed"
    );
    for cores in [2, 16, 64, 256] {
        let processes = cores + 1;
        let bytes = forklab::trace::scripted(cores, processes, samples, interval);
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut plain)
            .expect("a trace just written reads back");
        println!(
            "{cores:>6} {processes:>10} {:>10.1} KiB {:>10.1} KiB",
            bytes.len() as f64 / 1024.0,
            plain.len() as f64 / 1024.0
        );
        if cores == 256 {
            let noisy = noisy(cores, processes, samples, interval);
            println!(
                "{cores:>6} {processes:>10} {:>10.1} KiB   (usage with every digit, as live readings have)",
                noisy as f64 / 1024.0
            );
        }
        if let Some(dir) = &write {
            let path = dir.join(format!("scripted-{cores}.trace.jsonl.gz"));
            std::fs::write(&path, &bytes).expect("write the trace");
        }
    }
}

/// The same trace with each usage figure given all an f32's digits (live
/// readings look like 95.83333, the scripted ones like 95.8).
fn noisy(cores: usize, processes: usize, samples: u32, interval: Duration) -> usize {
    use forklab::monitor::Sampler;
    let start = std::time::Instant::now();
    let machine = forklab::trace::Machine {
        cores,
        model: None,
        os: None,
        python: None,
        forklab: "0".into(),
        recorded: "2026-12-01T16:40:00Z".into(),
    };
    let mut sampler = forklab::monitor::scripted::ScriptedSampler::new(cores, processes);
    let mut recorder = forklab::trace::Recorder::new(Vec::new(), machine, start).unwrap();
    for i in 1..=samples {
        let mut sample = sampler.sample();
        for (n, c) in sample.cores.iter_mut().enumerate() {
            *c = (*c * 0.987_654_3 + n as f32 / 7.0).min(100.0);
        }
        for p in &mut sample.processes {
            p.cpu *= 0.987_654_3;
        }
        recorder.sample(start + interval * i, &sample).unwrap();
    }
    recorder.finish().unwrap().len()
}
