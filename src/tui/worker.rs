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
//! with the rest of its events. The thread ends when the request channel closes.

use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use tracing::{debug, error};

use super::action::{Purpose, Reply};
use crate::error::Result;
use crate::search::{Engine, OpenReport, Progress, SearchRequest};

/// A request to the engine thread.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Search {
        purpose: Purpose,
        generation: u64,
        request: SearchRequest,
    },
}

/// Opens the engine, reporting progress.
pub type Opener = Box<dyn FnOnce(&mut dyn FnMut(Progress)) -> Result<(Engine, OpenReport)> + Send>;

/// How often progress is passed on while a stage runs.
const PROGRESS_EVERY: Duration = Duration::from_millis(50);

/// Starts the engine thread; `send` delivers its replies. Returns the request channel.
pub fn spawn(
    open: Opener,
    send: impl Fn(Reply) -> bool + Send + 'static,
) -> std::io::Result<Sender<Request>> {
    let (requests, queue) = mpsc::channel();
    std::thread::Builder::new()
        .name("lookalike-engine".into())
        .spawn(move || serve(open, &queue, &send))?;
    Ok(requests)
}

fn serve(open: Opener, queue: &Receiver<Request>, send: &dyn Fn(Reply) -> bool) {
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
        for Request::Search {
            purpose,
            generation,
            request,
        } in std::iter::once(first).chain(queue.try_iter())
        {
            let slot = &mut newest[purpose as usize];
            skipped += usize::from(slot.is_some());
            *slot = Some((generation, request));
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
                Reply::Failed(e) => panic!("{e}"),
            }
        }
        assert!(ready);
        assert_eq!(answered, vec![5]);
        drop(requests);
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
