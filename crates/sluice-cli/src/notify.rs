//! Webhooks (`[notify]`): run events POSTed as JSON, a chat message or plain text, signed
//! with HMAC-SHA256, delivered by a thread of their own with retries and backoff. They
//! never block or fail a run: when the run is over sluice waits at most `wait` for what is
//! still being tried, and what was not delivered is returned, to be recorded in the audit
//! log.
//!
//! The signature (docs/notify.md): `Sluice-Signature: v1=<hex>` where `<hex>` is
//! HMAC-SHA256, keyed with the webhook's secret, of `<Sluice-Timestamp>.<body>`; the
//! timestamp is the Unix time in seconds when the delivery was signed (each retry is
//! signed anew).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use sluice_core::config::{WebhookFormat, mask_url};

use crate::exit::{Exit, Failure};
use crate::settings::Settings;

/// Every event kind a webhook may receive.
pub const EVENTS: [&str; 7] = [
    "run_started",
    "gate_blocked",
    "migration_applied",
    "migration_failed",
    "migration_partial",
    "run_finished",
    "wave_finished",
];

/// The delays before the second, third and fourth attempts.
const BACKOFF: [Duration; 3] = [
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
];

#[derive(Debug)]
struct Hook {
    url: String,
    shown: String,
    secret: Vec<u8>,
    format: WebhookFormat,
    events: Vec<String>,
}

#[derive(Debug)]
struct Job {
    hook: usize,
    /// The event's number in this run (1, 2, …): the delivery id is unique.
    seq: usize,
    kind: String,
    payload: serde_json::Value,
}

/// A delivery that did not succeed.
#[derive(Clone, Debug)]
pub struct Undelivered {
    /// The receiver, its URL masked.
    pub url: String,
    /// The event.
    pub event: String,
    /// Why: the last error, and how many attempts were made.
    pub why: String,
}

/// Sends run events to the webhooks of `[notify]`.
#[derive(Debug)]
pub struct Notifier {
    hooks: Arc<Vec<Hook>>,
    tx: Option<mpsc::Sender<Job>>,
    pending: Arc<AtomicUsize>,
    failed: Arc<Mutex<Vec<Undelivered>>>,
    /// Jobs not yet finished, described, for what is cut off at the end.
    queued: Arc<Mutex<Vec<(usize, String)>>>,
    wait: Duration,
    base: serde_json::Value,
    sent: AtomicUsize,
}

fn resolve(s: &Settings, what: &str, value: &str) -> Result<String, Failure> {
    match &s.config {
        Some(c) => c.resolve_url(&s.env, value),
        None => sluice_core::config::resolve_url(&s.env, value),
    }
    .map_err(|e| Failure::new(Exit::Input, format!("[notify] {what}: {e}")))
}

/// The HMAC-SHA256 signature header's value of `body` signed at `ts`.
pub fn signature(secret: &[u8], ts: u64, body: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(ts.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("v1={hex}")
}

impl Notifier {
    /// The notifier of the project's `[notify]`, or `None` when it has no webhook.
    pub fn new(s: &Settings) -> Result<Option<Notifier>, Failure> {
        let Some(cfg) = s.config.as_ref().map(|c| &c.notify) else {
            return Ok(None);
        };
        if cfg.webhooks.is_empty() {
            return Ok(None);
        }
        let mut hooks = Vec::new();
        for (k, w) in cfg.webhooks.iter().enumerate() {
            let url = resolve(s, &format!("webhooks[{k}].url"), &w.url)?;
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(Failure::new(
                    Exit::Input,
                    format!(
                        "[notify] webhooks[{k}].url {}: give an http:// or https:// URL",
                        mask_url(&url)
                    ),
                ));
            }
            let secret = resolve(s, &format!("webhooks[{k}].secret"), &w.secret)?;
            if secret.len() < 16 {
                return Err(Failure::new(
                    Exit::Input,
                    format!(
                        "[notify] webhooks[{k}].secret is {} characters: give at least 16 (e.g. `openssl rand -hex 32`, kept in an env: variable)",
                        secret.len()
                    ),
                ));
            }
            if let Some(bad) = w.events.iter().find(|e| !EVENTS.contains(&e.as_str())) {
                return Err(Failure::new(
                    Exit::Input,
                    format!(
                        "[notify] webhooks[{k}].events: unknown event `{bad}`; the events are {}",
                        EVENTS.join(", ")
                    ),
                ));
            }
            hooks.push(Hook {
                shown: mask_url(&url),
                url,
                secret: secret.into_bytes(),
                format: w.format,
                events: w.events.clone(),
            });
        }
        let wait = match &cfg.wait {
            Some(w) => sluice_core::time::parse_duration(w)
                .map_err(|e| Failure::new(Exit::Input, format!("[notify] wait: {e}")))?,
            None => Duration::from_secs(10),
        };
        let project = std::fs::canonicalize(&s.project)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default();
        let hooks = Arc::new(hooks);
        let (tx, rx) = mpsc::channel::<Job>();
        let pending = Arc::new(AtomicUsize::new(0));
        let failed = Arc::new(Mutex::new(Vec::new()));
        let queued: Arc<Mutex<Vec<(usize, String)>>> = Arc::new(Mutex::new(Vec::new()));
        {
            let (hooks, pending, failed, queued) = (
                hooks.clone(),
                pending.clone(),
                failed.clone(),
                queued.clone(),
            );
            // Detached: at exit, whatever it is still trying is reported by `finish`.
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .timeout_global(Some(Duration::from_secs(5)))
                    .http_status_as_error(false)
                    .build()
                    .into();
                for job in rx {
                    let hook = &hooks[job.hook];
                    if let Err(why) = deliver(&agent, hook, &job) {
                        failed
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push(Undelivered {
                                url: hook.shown.clone(),
                                event: job.kind.clone(),
                                why,
                            });
                    }
                    let mut q = queued.lock().unwrap_or_else(|p| p.into_inner());
                    if let Some(i) = q.iter().position(|(h, k)| *h == job.hook && *k == job.kind) {
                        q.remove(i);
                    }
                    drop(q);
                    pending.fetch_sub(1, Ordering::SeqCst);
                }
            });
        }
        Ok(Some(Notifier {
            hooks,
            tx: Some(tx),
            pending,
            failed,
            queued,
            wait,
            base: serde_json::json!({
                "project": project,
                "environment": s.env,
                "database": mask_url(&s.url),
            }),
            sent: AtomicUsize::new(0),
        }))
    }

    /// Queues event `kind` with `fields` (merged over the project, environment and
    /// database) for every webhook that wants it; returns at once.
    pub fn send(&self, kind: &str, fields: serde_json::Value) {
        let mut payload = self.base.clone();
        payload["event"] = kind.into();
        payload["at"] = sluice_core::time::Timestamp::now().rfc3339().into();
        let seq = self.sent.fetch_add(1, Ordering::SeqCst) + 1;
        if let (Some(p), serde_json::Value::Object(f)) = (payload.as_object_mut(), fields) {
            p.extend(f);
        }
        for (k, h) in self.hooks.iter().enumerate() {
            if !h.events.is_empty() && !h.events.iter().any(|e| e == kind) {
                continue;
            }
            let Some(tx) = &self.tx else { return };
            self.pending.fetch_add(1, Ordering::SeqCst);
            self.queued
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((k, kind.to_string()));
            if tx
                .send(Job {
                    hook: k,
                    seq,
                    kind: kind.to_string(),
                    payload: payload.clone(),
                })
                .is_err()
            {
                self.pending.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }

    /// Waits at most `wait` for the deliveries still being tried; returns every delivery
    /// that failed or was cut off.
    pub fn finish(mut self) -> Vec<Undelivered> {
        drop(self.tx.take());
        let until = Instant::now() + self.wait;
        while self.pending.load(Ordering::SeqCst) > 0 && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut out = std::mem::take(&mut *self.failed.lock().unwrap_or_else(|p| p.into_inner()));
        for (h, kind) in self.queued.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            out.push(Undelivered {
                url: self.hooks[*h].shown.clone(),
                event: kind.clone(),
                why: format!(
                    "still not delivered when sluice stopped waiting ({} after the run)",
                    crate::cmd::human(self.wait)
                ),
            });
        }
        out
    }
}

/// One line about the event, for people.
fn headline(kind: &str, p: &serde_json::Value) -> String {
    let f = |k: &str| p.get(k).and_then(|v| v.as_str()).unwrap_or("?").to_string();
    let env = f("environment");
    match kind {
        "run_started" => format!(
            "sluice: run {} started in {env} by {}",
            f("run_id"),
            f("actor")
        ),
        "gate_blocked" => format!(
            "sluice: the {} gate blocked {} in {env}: {}",
            f("gate"),
            f("migration"),
            f("reason")
        ),
        "migration_applied" => format!("sluice: {} applied in {env}", f("migration")),
        "migration_failed" => format!("sluice: {} FAILED in {env}: {}", f("migration"), f("error")),
        "migration_partial" => format!(
            "sluice: {} is PARTIAL in {env} (some statements ran): {}",
            f("migration"),
            f("error")
        ),
        "run_finished" => format!(
            "sluice: run {} in {env} finished: {}, {} applied",
            f("run_id"),
            f("result"),
            p.get("applied").and_then(|v| v.as_u64()).unwrap_or(0)
        ),
        "wave_finished" => format!(
            "sluice: fleet {} wave {} finished: {} failed so far",
            f("fleet"),
            p.get("wave").and_then(|v| v.as_u64()).unwrap_or(0),
            p.get("failed_so_far").and_then(|v| v.as_u64()).unwrap_or(0)
        ),
        other => format!("sluice: {other} in {env}"),
    }
}

/// The body and its content type for `hook`'s format.
fn body(hook: &Hook, job: &Job) -> (Vec<u8>, &'static str) {
    match hook.format {
        WebhookFormat::Json => (
            serde_json::to_vec(&job.payload).unwrap_or_default(),
            "application/json",
        ),
        WebhookFormat::Chat => (
            serde_json::to_vec(&serde_json::json!({ "text": headline(&job.kind, &job.payload) }))
                .unwrap_or_default(),
            "application/json",
        ),
        WebhookFormat::Text => {
            let mut t = format!("Subject: {}\n\n", headline(&job.kind, &job.payload));
            if let Some(o) = job.payload.as_object() {
                for (k, v) in o {
                    let v = match v {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    t.push_str(&format!("{k}: {v}\n"));
                }
            }
            (t.into_bytes(), "text/plain; charset=utf-8")
        }
    }
}

/// Tries a delivery up to four times; the last error when all failed.
fn deliver(agent: &ureq::Agent, hook: &Hook, job: &Job) -> Result<(), String> {
    let (body, kind) = body(hook, job);
    let delivery = format!(
        "{}-{}-{}",
        job.payload
            .get("run_id")
            .and_then(|v| v.as_str())
            .unwrap_or("run"),
        job.seq,
        job.kind
    );
    let mut last = String::new();
    for attempt in 0..=BACKOFF.len() {
        if attempt > 0 {
            std::thread::sleep(BACKOFF[attempt - 1]);
        }
        let ts = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let sent = agent
            .post(&hook.url)
            .header("Content-Type", kind)
            .header("User-Agent", concat!("sluice/", env!("CARGO_PKG_VERSION")))
            .header("Sluice-Event", &job.kind)
            .header("Sluice-Delivery", &delivery)
            .header("Sluice-Timestamp", &ts.to_string())
            .header("Sluice-Signature", &signature(&hook.secret, ts, &body))
            .send(&body[..]);
        match sent {
            Ok(r) if r.status().is_success() => return Ok(()),
            Ok(r) => {
                last = format!("HTTP {}", r.status());
                // A client error other than a timeout or a rate limit will not change.
                let code = r.status().as_u16();
                if (400..500).contains(&code) && code != 408 && code != 429 {
                    return Err(format!("{last} (attempt {})", attempt + 1));
                }
            }
            Err(e) => last = e.to_string(),
        }
    }
    Err(format!("{last} (after {} attempts)", BACKOFF.len() + 1))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_signature_is_hmac_sha256_of_the_timestamp_and_the_body() {
        // Computed independently: Python's
        // hmac.new(b"Jefe", b"1700000000.{}", "sha256").hexdigest()
        assert_eq!(
            super::signature(b"Jefe", 1_700_000_000, b"{}"),
            "v1=d3793e2b4103edfbd98cc19591832f5fad701d413db9fcae0ae7dab8184ed207"
        );
    }
}
