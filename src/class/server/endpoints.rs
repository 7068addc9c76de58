//! The two endpoints. Each request has already been read whole; here it
//! takes a token from its address's bucket, has its code checked (a
//! wrong one makes the address wait), its schema and numbers checked,
//! the caps checked, and only then is written, synced and answered.

use std::net::IpAddr;
use std::time::Instant;

use serde::de::DeserializeOwned;

use super::{ClassEvent, Inner, Refusal, Refused, Shared};
use crate::class::http::Request;
use crate::class::limits::Limit;
use crate::class::payload::{Join, Submit};
use crate::class::store::{Applied, Record};

type Answer = Result<String, Refused>;

/// What the learner is told when the class file cannot be written; why
/// (and where) is for the teacher's screen only.
const WRITE_FAILED: &str = "the class file cannot be written just now: tell the teacher";

/// Answers one request from address `key`.
pub(super) fn answer(shared: &Shared, request: &Request, key: IpAddr) -> Answer {
    shared.doors().admit(key, Instant::now())?;
    match (request.method.as_str(), request.path.as_str()) {
        ("POST", "/join") => join(shared, request, key),
        ("POST", "/submit") => submit(shared, request, key),
        (_, "/join" | "/submit") => Err(Refused::new(Refusal::NotFound, "use POST")),
        _ => Err(Refused::new(
            Refusal::NotFound,
            "this server only takes POST /join and POST /submit",
        )),
    }
}

fn parse<T: DeserializeOwned>(request: &Request) -> Result<T, Refused> {
    serde_json::from_slice(&request.body)
        .map_err(|e| Refused::new(Refusal::Malformed, e.to_string()))
}

/// The class code, compared in time that does not depend on where it
/// differs; a wrong one makes the address wait before its next request.
fn check_code(shared: &Shared, key: IpAddr, code: &str) -> Result<(), Refused> {
    let (given, ours) = (code.as_bytes(), shared.code.as_bytes());
    let differ = given.len() != ours.len()
        || given
            .iter()
            .zip(ours)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            != 0;
    if differ {
        let wait = shared.doors().wrong_code(key, Instant::now());
        let message = format!("wrong class code: wait {wait} s before trying again");
        return Err(Refused::new(Refusal::WrongCode, message).retry(wait));
    }
    shared.doors().right_code(key);
    Ok(())
}

/// Refuses when `used + adding` would pass `limit`.
fn within(limit: &Limit, used: u64, adding: u64) -> Result<(), Refused> {
    if used.saturating_add(adding) > limit.get() {
        return Err(Refused::new(Refusal::Full, limit.message()));
    }
    Ok(())
}

/// Bytes a record's line takes in the class file.
fn line_len(record: &Record) -> u64 {
    serde_json::to_vec(record).map_or(0, |v| v.len() as u64 + 1)
}

/// Appends and syncs `record`, keeping why it failed for the teacher.
fn write(shared: &Shared, inner: &mut Inner, record: &Record) -> Result<u64, Refused> {
    inner.file.append(record).map_err(|e| {
        if let Ok(mut last) = shared.write_error.lock() {
            *last = Some(e);
        }
        Refused::new(Refusal::WriteFailed, WRITE_FAILED)
    })
}

fn join(shared: &Shared, request: &Request, key: IpAddr) -> Answer {
    let join: Join = parse(request)?;
    check_code(shared, key, &join.code)?;
    join.validate()
        .map_err(|e| Refused::new(Refusal::Malformed, e))?;
    let nickname = join.nickname.trim().to_string();
    let limits = shared.limits;
    let mut inner = shared.inner();
    if let Some(&index) = inner.rejoins.get(&(key, nickname.clone())) {
        let token = &inner.roster.participants[index].token;
        return Ok(
            serde_json::json!({ "ok": true, "participant": token, "rejoined": true }).to_string(),
        );
    }
    let from_here = inner.learners.get(&key).copied().unwrap_or(0) as u64;
    within(&limits.learners_per_address, from_here, 1)?;
    within(
        &limits.learners_per_class,
        inner.roster.participants.len() as u64,
        1,
    )?;
    let token = crate::class::new_token();
    let record = Record::Join {
        at: crate::class::now_unix(),
        participant: token.clone(),
        nickname: nickname.clone(),
        machine: join.machine.clone(),
    };
    within(&limits.bytes_per_class, inner.file.len(), line_len(&record))?;
    let bytes = write(shared, &mut inner, &record)?;
    if let Applied::Joined(index) = inner.roster.apply(&record, bytes) {
        inner.rejoins.insert((key, nickname.clone()), index);
        *inner.learners.entry(key).or_default() += 1;
        (shared.sink)(ClassEvent::Joined {
            index,
            nickname,
            machine: join.machine,
        });
    }
    Ok(serde_json::json!({ "ok": true, "participant": token }).to_string())
}

fn submit(shared: &Shared, request: &Request, key: IpAddr) -> Answer {
    let submit: Submit = parse(request)?;
    check_code(shared, key, &submit.code)?;
    submit
        .validate()
        .map_err(|e| Refused::new(Refusal::Malformed, e))?;
    submit
        .report
        .plausible()
        .map_err(|e| Refused::new(Refusal::Implausible, e))?;
    let limits = shared.limits;
    let mut inner = shared.inner();
    let Some(index) = inner.roster.participant(&submit.participant) else {
        return Err(Refused::new(
            Refusal::UnknownParticipant,
            "join the class first",
        ));
    };
    if inner.roster.has_result(&submit.participant, &submit.id) {
        return Ok(serde_json::json!({ "ok": true, "stored": false }).to_string());
    }
    let record = Record::Result {
        at: crate::class::now_unix(),
        participant: submit.participant.clone(),
        id: submit.id.clone(),
        report: submit.report.clone(),
    };
    let adding = line_len(&record);
    let learner = &inner.roster.participants[index];
    within(&limits.results_per_learner, learner.reports.len() as u64, 1)?;
    within(&limits.bytes_per_learner, learner.bytes, adding)?;
    within(&limits.results_per_class, inner.roster.results() as u64, 1)?;
    within(&limits.bytes_per_class, inner.file.len(), adding)?;
    let bytes = write(shared, &mut inner, &record)?;
    inner.roster.apply(&record, bytes);
    let nickname = inner.roster.participants[index].nickname.clone();
    (shared.sink)(ClassEvent::Stored {
        index,
        nickname,
        report: submit.report,
    });
    Ok(serde_json::json!({ "ok": true, "stored": true }).to_string())
}
