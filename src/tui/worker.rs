//! The engine thread: the one owner of the [`Engine`] and so of the query embedder.
//!
//! Protocol. The thread first opens the catalog, reporting [`Reply::Progress`] (at most every
//! 50 ms, and at each new stage), then [`Reply::Ready`] with the shared corpus, or
//! [`Reply::Failed`]. After that it answers every search the app makes, [`Request::Search`]: the
//! result list's (each edit of the query line, a pivot) and the look-alikes' (each move of the
//! selection), each purpose with generations of its own. Before searching, the thread drains its
//! queue and answers only the newest request of each purpose, results first, so a burst of
//! keystrokes costs one embedding, not one per key. Each [`Reply::Answer`] carries its purpose
//! and generation; the app drops an answer that is no longer the newest. The UI thread never
//! waits on this thread and never searches itself: it only sends requests and receives replies
//! with the rest of its events. An audit ([`Request::Audit`]) runs on a thread of its own with
//! the shared corpus, reporting [`Reply::AuditProgress`] then [`Reply::Audited`], so that searches
//! are answered meanwhile. The thread ends when the request channel closes.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use tracing::{debug, error};

use super::action::{Purpose, Reply};
use crate::audit::AuditOptions;
use crate::error::Result;
use crate::search::{Allowed, Engine, OpenReport, Progress, SearchRequest};

/// A request to the engine thread.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Search {
        purpose: Purpose,
        generation: u64,
        request: SearchRequest,
    },
    /// An audit of the products the filter matches (all without one), for the audit lens.
    Audit {
        generation: u64,
        filter: Option<String>,
    },
}

/// Delivers the thread's replies; false once nobody listens.
type Replies = Arc<dyn Fn(Reply) -> bool + Send + Sync>;

/// Opens the engine, reporting progress.
pub type Opener = Box<dyn FnOnce(&mut dyn FnMut(Progress)) -> Result<(Engine, OpenReport)> + Send>;

/// How often progress is passed on while a stage runs.
const PROGRESS_EVERY: Duration = Duration::from_millis(50);

/// Starts the engine thread; `send` delivers its replies. Returns the request channel.
pub fn spawn(
    open: Opener,
    send: impl Fn(Reply) -> bool + Send + Sync + 'static,
) -> std::io::Result<Sender<Request>> {
    let (requests, queue) = mpsc::channel();
    let send: Replies = Arc::new(send);
    std::thread::Builder::new()
        .name("lookalike-engine".into())
        .spawn(move || serve(open, &queue, &send))?;
    Ok(requests)
}

fn serve(open: Opener, queue: &Receiver<Request>, send: &Replies) {
    let mut last: Option<(Progress, Instant)> = None;
    let opened = open(&mut |progress| {
        let due = last.is_none_or(|(p, at)| {
            p.stage != progress.stage
                || progress.done == progress.total
                || at.elapsed() >= PROGRESS_EVERY
        });
        if due {
            last = Some((progress, Instant::now()));
            send(Reply::Progress(progress));
        }
    });
    let mut engine = match opened {
        Ok((engine, report)) => {
            let corpus = engine.corpus.clone();
            if !send(Reply::Ready { corpus, report }) {
                return;
            }
            engine
        }
        Err(e) => {
            error!("cannot open: {e}");
            send(Reply::Failed(e));
            return;
        }
    };
    while let Ok(first) = queue.recv() {
        // The newest request of each purpose: results first, then the look-alikes.
        let mut newest: [Option<(u64, SearchRequest)>; 2] = [None, None];
        let mut skipped = 0;
        for request in std::iter::once(first).chain(queue.try_iter()) {
            match request {
                Request::Search {
                    purpose,
                    generation,
                    request,
                } => {
                    let slot = &mut newest[purpose as usize];
                    skipped += usize::from(slot.is_some());
                    *slot = Some((generation, request));
                }
                Request::Audit { generation, filter } => {
                    audit(&mut engine, generation, filter.as_deref(), send);
                }
            }
        }
        if skipped > 0 {
            debug!(skipped, "older searches skipped");
        }
        for (purpose, pending) in [Purpose::Results, Purpose::Alikes].into_iter().zip(newest) {
            let Some((generation, request)) = pending else {
                continue;
            };
            let result = engine.search(&request).map_err(|e| e.to_string());
            let reply = Reply::Answer {
                purpose,
                generation,
                result,
            };
            if !send(reply) {
                return;
            }
        }
    }
}

/// Starts an audit on a thread of its own, so that searches go on while it runs; its progress
/// and its result come back as replies of its generation.
fn audit(engine: &mut Engine, generation: u64, filter: Option<&str>, send: &Replies) {
    let allowed = match engine.allowed(filter) {
        Ok(allowed) => allowed,
        Err(e) => {
            send(Reply::Audited {
                generation,
                result: Err(e.to_string()),
            });
            return;
        }
    };
    let corpus = Arc::clone(&engine.corpus);
    let replies = Arc::clone(send);
    let spawned = std::thread::Builder::new()
        .name("lookalike-audit".into())
        .spawn(move || {
            let options = AuditOptions::default();
            let total = corpus.catalog.len();
            let found = crate::audit::run(
                &corpus,
                &options,
                allowed.as_deref().map(Allowed::mask),
                &|done| {
                    replies(Reply::AuditProgress {
                        generation,
                        done,
                        total,
                    });
                },
            );
            replies(Reply::Audited {
                generation,
                result: Ok(Arc::new(found)),
            });
        });
    if let Err(e) = spawned {
        send(Reply::Audited {
            generation,
            result: Err(format!("cannot start the audit: {e}")),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::test_support;

    #[test]
    fn answers_only_the_newest_of_queued_queries() {
        let (tx, rx) = mpsc::channel();
        let (gate_tx, gate) = mpsc::channel::<()>();
        let open: Opener = Box::new(move |progress| {
            let opened = test_support::open_engine(progress);
            // Hold the engine back until all queries are queued.
            gate.recv().ok();
            opened
        });
        let requests = spawn(open, move |reply| tx.send(reply).is_ok()).unwrap();
        for generation in 1..=5 {
            let text = format!("query {generation}");
            requests
                .send(Request::Search {
                    purpose: Purpose::Results,
                    generation,
                    request: SearchRequest::text(text, 3),
                })
                .unwrap();
        }
        gate_tx.send(()).unwrap();
        let mut answered = Vec::new();
        let mut ready = false;
        while answered.is_empty() {
            match rx.recv_timeout(Duration::from_secs(30)).unwrap() {
                Reply::Ready { .. } => ready = true,
                Reply::Answer {
                    generation, result, ..
                } => {
                    assert_eq!(result.unwrap().hits.len(), 3);
                    answered.push(generation);
                }
                Reply::Progress(_) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(ready);
        assert_eq!(answered, vec![5]);
        drop(requests);
    }

    #[test]
    fn an_audit_is_answered_with_its_generation_and_searches_still_are() {
        let (tx, rx) = mpsc::channel();
        let requests = spawn(Box::new(test_support::open_engine), move |reply| {
            tx.send(reply).is_ok()
        })
        .unwrap();
        requests
            .send(Request::Audit {
                generation: 7,
                filter: Some("category = Kitchen".into()),
            })
            .unwrap();
        requests
            .send(Request::Search {
                purpose: Purpose::Results,
                generation: 1,
                request: SearchRequest::text("mug", 2),
            })
            .unwrap();
        let (mut audited, mut searched) = (None, false);
        while audited.is_none() || !searched {
            match rx.recv_timeout(Duration::from_secs(30)).unwrap() {
                Reply::Audited { generation, result } => {
                    audited = Some((generation, result.unwrap().audited));
                }
                Reply::Answer { result, .. } => searched = result.is_ok(),
                Reply::Failed(e) => panic!("{e}"),
                _ => {}
            }
        }
        // Only the five kitchen products of the test catalog are audited.
        assert_eq!(audited, Some((7, 5)));
    }

    #[test]
    fn a_bad_catalog_is_reported() {
        let (tx, rx) = mpsc::channel();
        let open: Opener = Box::new(|progress| {
            test_support::open_catalog(std::path::Path::new("/nonexistent/products.json"), progress)
        });
        let _requests = spawn(open, move |reply| tx.send(reply).is_ok()).unwrap();
        loop {
            match rx.recv_timeout(Duration::from_secs(30)).unwrap() {
                Reply::Failed(e) => {
                    assert!(e.to_string().contains("/nonexistent/products.json"), "{e}");
                    break;
                }
                Reply::Progress(_) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
    }
}
