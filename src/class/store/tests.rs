use super::*;
use crate::class::payload::Point;

fn machine() -> Machine {
    Machine {
        cores: 4,
        cpu_model: "cpu".into(),
        os: "Linux".into(),
        python: None,
    }
}

fn join(token: &str) -> Record {
    Record::Join {
        at: 1,
        participant: token.into(),
        nickname: "ana".into(),
        machine: machine(),
    }
}

fn result(token: &str, id: &str) -> Record {
    Record::Result {
        at: 2,
        participant: token.into(),
        id: id.into(),
        report: Report {
            engine: "forklab".into(),
            workload: "cpu".into(),
            tasks: 8,
            chunksize: 1,
            points: vec![Point {
                workers: 1,
                wall_ms: 10.0,
                speedup: Some(1.0),
            }],
        },
    }
}

fn line(record: &Record) -> Vec<u8> {
    let mut line = serde_json::to_vec(record).unwrap();
    line.push(b'\n');
    line
}

#[test]
fn a_file_reopens_with_every_record_and_no_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("class.jsonl");
    let (mut file, _, _) = ClassFile::open_or_create(&path, "ABC234").unwrap();
    let joined = file.append(&join("t1")).unwrap();
    let stored = file.append(&result("t1", "r1")).unwrap();
    file.append(&result("t1", "r1")).unwrap();
    drop(file);
    let (_, roster, damage) = ClassFile::open_or_create(&path, "ZZZZZZ").unwrap();
    assert!(damage.is_empty(), "{damage:?}");
    assert_eq!(roster.code, "ABC234");
    assert_eq!(roster.participants.len(), 1);
    assert_eq!(roster.results(), 1);
    assert_eq!(roster.participants[0].reports.len(), 1);
    assert_eq!(roster.participants[0].bytes, joined + stored);
}

#[test]
fn a_torn_last_line_is_cut_off_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("class.jsonl");
    drop(ClassFile::open_or_create(&path, "ABC234").unwrap());
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"{\"kind\":\"join\",\"at\":1,\"parti");
    std::fs::write(&path, &bytes).unwrap();
    let (_, damage) = read(&path).unwrap();
    let tail = damage.torn_tail.clone().unwrap();
    assert_eq!((tail.line, tail.bytes), (2, 28));
    assert!(damage.describe()[0].contains("line 2: 28 bytes left out"));
    let (mut file, _, damage) = ClassFile::open_or_create(&path, "X").unwrap();
    assert!(damage.torn_tail.is_some());
    file.append(&join("t")).unwrap();
    let (roster, damage) = read(&path).unwrap();
    assert_eq!(roster.participants.len(), 1);
    assert!(damage.is_empty(), "{damage:?}");
}

#[test]
fn damage_between_records_is_left_out_and_every_whole_record_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("class.jsonl");
    drop(ClassFile::open_or_create(&path, "ABC234").unwrap());
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend(line(&join("t1")));
    // What an older forklab left after a full disk: half a record, the
    // next glued to it, then more records.
    let half = line(&result("t1", "r1"));
    bytes.extend_from_slice(&half[..half.len() / 2]);
    bytes.extend(line(&result("t1", "r2")));
    bytes.extend(line(&result("t1", "r3")));
    bytes.extend_from_slice(b"garbage\n");
    bytes.extend_from_slice(&vec![b'x'; 20_000]);
    bytes.push(b'\n');
    bytes.extend(line(&result("t9", "r1")));
    bytes.extend(line(&result("t1", "r4")));
    std::fs::write(&path, &bytes).unwrap();
    let (roster, damage) = read(&path).unwrap();
    assert_eq!(roster.results(), 3);
    let ids: Vec<_> = ["r2", "r3", "r4"]
        .iter()
        .map(|id| roster.has_result("t1", id))
        .collect();
    assert_eq!(ids, [true; 3]);
    let lines: Vec<_> = damage.dropped.iter().map(|d| d.line).collect();
    assert_eq!(lines, [3, 5, 6, 7], "{damage:?}");
    assert_eq!(damage.dropped[0].bytes, (half.len() / 2) as u64);
    assert!(damage.dropped[2].why.contains("16384"), "{damage:?}");
    // Reopening to go on works, and says the same.
    let (_, roster, again) = ClassFile::open_or_create(&path, "X").unwrap();
    assert_eq!((roster.results(), again.count), (3, 4));
}

#[test]
fn a_file_that_is_not_a_class_file_is_refused_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("class.jsonl");
    std::fs::write(&path, "").unwrap();
    assert!(read(&path).unwrap_err().contains("empty"));
    std::fs::write(&path, "root:x:0:0:root:/root:/bin/bash\n").unwrap();
    assert!(read(&path).unwrap_err().contains(":1: not a class file"));
    std::fs::write(
        &path,
        "{\"kind\":\"class\",\"version\":9,\"code\":\"A\",\"started\":0}\n",
    )
    .unwrap();
    assert!(read(&path).unwrap_err().contains("newer"));
    let header = line(&Record::Class {
        version: 1,
        code: "A".into(),
        started: 0,
    });
    std::fs::write(&path, [header.clone(), header].concat()).unwrap();
    assert!(
        read(&path)
            .unwrap_err()
            .contains(":2: a second class header")
    );
}

/// A file that takes `room` more bytes and then fails as a full disk
/// does: part of the write lands, then ENOSPC.
#[derive(Debug)]
struct FullDisk {
    file: File,
    room: usize,
}

impl Backing for FullDisk {
    fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let fits = bytes.len().min(self.room);
        self.file.write_all(&bytes[..fits])?;
        self.room -= fits;
        if fits < bytes.len() {
            return Err(std::io::Error::from_raw_os_error(28));
        }
        Ok(())
    }

    fn sync(&mut self) -> std::io::Result<()> {
        self.file.sync_data()
    }

    fn cut(&mut self, len: u64) -> std::io::Result<()> {
        let had = self.file.metadata()?.len();
        self.file.set_len(len)?;
        self.room += usize::try_from(had - len).unwrap_or(0);
        Ok(())
    }
}

#[test]
fn a_full_disk_loses_no_acknowledged_record_and_leaves_no_half_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("class.jsonl");
    let (mut class, _, _) = ClassFile::open_or_create(&path, "ABC234").unwrap();
    class.append(&join("t1")).unwrap();
    let one = line(&result("t1", "r00")).len();
    let file = OpenOptions::new().append(true).open(&path).unwrap();
    // Room for two and a half results.
    class.backing = Box::new(FullDisk {
        file,
        room: one * 5 / 2,
    });
    let mut acknowledged = Vec::new();
    for n in 0..6 {
        let id = format!("r{n:02}");
        match class.append(&result("t1", &id)) {
            Ok(_) => acknowledged.push(id.clone()),
            Err(e) => assert!(e.contains("No space left"), "{e}"),
        }
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.last(), Some(&b'\n'), "a half line after {id}");
        assert_eq!(bytes.len() as u64, class.len());
    }
    assert_eq!(acknowledged, ["r00", "r01"]);
    // Restarted once space is back: every acknowledged result is there
    // and appends go on.
    drop(class);
    let (mut class, roster, damage) = ClassFile::open_or_create(&path, "X").unwrap();
    assert!(damage.is_empty(), "{damage:?}");
    assert!(acknowledged.iter().all(|id| roster.has_result("t1", id)));
    class.append(&result("t1", "r99")).unwrap();
    let (roster, damage) = read(&path).unwrap();
    assert_eq!((roster.results(), damage.is_empty()), (3, true));
}

#[test]
fn a_file_larger_than_any_class_is_refused_without_holding_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("class.jsonl");
    drop(ClassFile::open_or_create(&path, "ABC234").unwrap());
    let mut bytes = std::fs::read(&path).unwrap();
    // A million one-byte lines: more lines than any class has.
    bytes.extend(std::iter::repeat_n(*b"x\n", 1_000_000).flatten());
    std::fs::write(&path, &bytes).unwrap();
    let err = read(&path).unwrap_err();
    assert!(err.contains("class file lines (the limit)"), "{err}");
}
