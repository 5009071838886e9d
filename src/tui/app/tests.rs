//! Unit tests of [`App::update`]: the state after each kind of action, with the test catalog open and answers delivered by hand.

use std::time::Instant;

use super::*;
use crate::index::Scratch;
use crate::search::Input;
use crate::tui::action::{Action, Command, Pane, Purpose, Reply};
use crate::tui::test_support;

/// An app on the test catalog, its first look-alikes answered.
fn ready_app() -> (App, crate::search::Engine) {
    let (mut engine, report) = test_support::open_engine(&mut |_| {}).unwrap();
    let now = Instant::now();
    let mut app = test_support::app(120, 40, now);
    let corpus = engine.corpus.clone();
    app.update(Action::Worker {
        reply: Reply::Ready { corpus, report },
        at: now,
    });
    answer(&mut app, &mut engine);
    (app, engine)
}

fn command(app: &mut App, command: Command) {
    app.update(Action::Command(command));
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::Insert(c));
    }
}

/// Answers the app's queued searches with the engine, in order, as the worker would, until
/// it asks for no more (an answer asks for the look-alikes of its selection).
fn answer(app: &mut App, engine: &mut crate::search::Engine) {
    while app
        .effects
        .iter()
        .any(|e| matches!(e, Effect::Search { .. }))
    {
        answer_once(app, engine);
    }
}

fn answer_once(app: &mut App, engine: &mut crate::search::Engine) {
    for effect in app.take_effects() {
        if let Effect::Search {
            purpose,
            generation,
            request,
        } = effect
        {
            let result = engine.search(&request).map_err(|e| e.to_string());
            app.update(Action::Worker {
                reply: Reply::Answer {
                    purpose,
                    generation,
                    result,
                },
                at: Instant::now(),
            });
        }
    }
}

/// How many searches for the result list the app asked for since the last look.
fn result_searches(app: &mut App) -> usize {
    app.take_effects()
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::Search {
                    purpose: Purpose::Results,
                    ..
                }
            )
        })
        .count()
}

fn deliver(app: &mut App, generation: u64, result: Result<Answer, String>) {
    app.update(Action::Worker {
        reply: Reply::Answer {
            purpose: Purpose::Results,
            generation,
            result,
        },
        at: Instant::now(),
    });
}

fn selected_id(app: &App) -> String {
    let corpus = app.corpus().unwrap();
    corpus.catalog.products[app.selected_position().unwrap()]
        .id
        .clone()
}

#[test]
fn an_empty_query_shows_the_catalog_in_order() {
    let (app, _) = ready_app();
    let list = &app.step().list;
    assert!(!list.ranked);
    assert_eq!(list.hits.len(), 12);
    assert_eq!(list.hits[3].index, 3);
    assert!(!app.pending());
    assert_eq!(app.alikes.hits.len(), 11);
}

#[test]
fn every_edit_asks_for_a_new_generation_and_only_the_newest_answer_counts() {
    let (mut app, mut engine) = ready_app();
    type_text(&mut app, "chef");
    let effects = app.take_effects();
    let generations: Vec<u64> = effects
        .iter()
        .map(|e| match e {
            Effect::Search {
                purpose: Purpose::Results,
                generation,
                ..
            } => *generation,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(generations.len(), 4);
    assert!(generations.windows(2).all(|w| w[1] == w[0] + 1));
    assert!(app.pending());
    // An answer to "che" arrives after "chef" was typed: dropped.
    let stale = engine.search(&SearchRequest::text("che", 5)).unwrap();
    deliver(&mut app, generations[2], Ok(stale));
    assert!(app.pending());
    assert!(!app.step().list.ranked);
    let fresh = engine
        .search(&SearchRequest::text("chef knife", 5))
        .unwrap();
    deliver(&mut app, generations[3], Ok(fresh));
    assert!(!app.pending());
    assert!(app.step().list.ranked);
    assert_eq!(selected_id(&app), "T-10");
}

#[test]
fn clearing_the_line_returns_to_catalog_order_without_the_engine() {
    let (mut app, mut engine) = ready_app();
    type_text(&mut app, "lamp");
    answer(&mut app, &mut engine);
    command(&mut app, Command::ClearLine);
    assert_eq!(result_searches(&mut app), 0);
    assert!(!app.step().list.ranked && !app.pending());
}

#[test]
fn typing_before_the_index_is_ready_is_searched_when_it_is() {
    let (engine, report) = test_support::open_engine(&mut |_| {}).unwrap();
    let mut app = test_support::app(80, 24, Instant::now());
    type_text(&mut app, "boot");
    assert!(app.take_effects().is_empty());
    let corpus = engine.corpus.clone();
    app.update(Action::Worker {
        reply: Reply::Ready { corpus, report },
        at: Instant::now(),
    });
    let effects = app.take_effects();
    assert!(matches!(
        &effects[..],
        [Effect::Search { request, .. }] if request.input == Input::Text("boot".into())
    ));
}

#[test]
fn the_filter_line_before_the_catalog_is_ready_says_why_it_does_not_open() {
    let mut app = test_support::app(80, 24, Instant::now());
    command(&mut app, Command::Filter);
    assert!(app.filter_edit().is_none());
    assert_eq!(
        app.flash().map(|f| f.text.as_str()),
        Some("the filter line opens once the catalog is ready")
    );
}

#[test]
fn pivot_back_and_typing_after_a_pivot_make_a_trail() {
    let (mut app, mut engine) = ready_app();
    type_text(&mut app, "running shoe");
    answer(&mut app, &mut engine);
    let chosen = selected_id(&app);
    command(&mut app, Command::Pivot);
    assert_eq!(app.trail.len(), 2);
    assert!(
        matches!(&app.step().subject, Subject::Like { kept, .. } if kept[0].title.contains("Running Shoe"))
    );
    assert!(
        app.step()
            .list
            .hits
            .iter()
            .all(|h| app.corpus().unwrap().product(h).id != chosen)
    );
    // Typing on a pivot starts a new step; backspacing it empty and once more goes back to the pivot.
    type_text(&mut app, "x");
    assert_eq!(app.trail.len(), 3);
    command(&mut app, Command::DeleteBack);
    command(&mut app, Command::DeleteBack);
    assert_eq!(app.trail.len(), 2);
    command(&mut app, Command::DeleteBack);
    assert_eq!(app.trail.len(), 1);
    assert_eq!(app.query_text(), "running shoe");
    assert!(app.step().list.ranked);
    // Esc: clears the line first, then quits.
    command(&mut app, Command::Back);
    assert!(!app.quit && app.query_text().is_empty());
    command(&mut app, Command::Back);
    assert!(app.quit);
}

#[test]
fn an_answer_for_a_query_left_by_a_pivot_is_dropped() {
    let (mut app, mut engine) = ready_app();
    type_text(&mut app, "lamp");
    command(&mut app, Command::Pivot);
    answer(&mut app, &mut engine);
    assert!(matches!(app.step().subject, Subject::Like { .. }));
}

#[test]
fn tab_walks_the_look_alikes_and_enter_pivots_from_there() {
    let (mut app, _) = ready_app();
    command(&mut app, Command::ToggleFocus);
    assert_eq!(app.focus, Pane::Alikes);
    command(&mut app, Command::SelectNext);
    let neighbour = selected_id(&app);
    assert_eq!(app.alikes.selected, 1);
    command(&mut app, Command::Pivot);
    assert_eq!(app.focus, Pane::Results);
    let corpus = app.corpus().unwrap();
    let Subject::Like { kept, .. } = &app.step().subject else {
        panic!("not a pivot")
    };
    assert_eq!(corpus.catalog.products[kept[0].position].id, neighbour);
}

/// The ids of the result list.
fn result_ids(app: &App) -> Vec<String> {
    let corpus = app.corpus().unwrap();
    app.step()
        .list
        .hits
        .iter()
        .map(|h| corpus.product(h).id.clone())
        .collect()
}

#[test]
fn marks_steer_the_list_each_as_a_step_and_take_back_as_they_toggle() {
    let (mut app, mut engine) = ready_app();
    type_text(&mut app, "coffee");
    answer(&mut app, &mut engine);
    // Rejecting with nothing kept only says how marks work.
    command(&mut app, Command::Reject);
    assert_eq!(app.trail.len(), 1);
    assert!(app.flash().is_some_and(|f| f.error));
    let mug = selected_id(&app);
    command(&mut app, Command::Keep);
    answer(&mut app, &mut engine);
    assert_eq!(app.trail.len(), 2);
    let kept_only = result_ids(&app);
    assert!(!kept_only.contains(&mug));
    // Reject the first look-alike: it leaves the list, which changes.
    command(&mut app, Command::ToggleFocus);
    assert_eq!(app.focus, Pane::Alikes);
    if selected_id(&app) == mug {
        // Rejecting the kept product would leave nothing kept.
        command(&mut app, Command::SelectNext);
    }
    let rejected = selected_id(&app);
    command(&mut app, Command::Reject);
    answer(&mut app, &mut engine);
    assert_eq!(app.trail.len(), 3);
    let Subject::Like {
        kept,
        rejected: not,
    } = &app.step().subject
    else {
        panic!("not steered")
    };
    assert_eq!((kept.len(), not.len()), (1, 1));
    let Some(Examples {
        positive, negative, ..
    }) = app.step().subject.examples()
    else {
        panic!("no examples")
    };
    assert_eq!((positive.len(), negative.len()), (1, 1));
    let steered = result_ids(&app);
    assert!(!steered.contains(&rejected) && !steered.contains(&mug));
    assert_ne!(steered, kept_only);
    // The same key on a marked product takes the mark back; the last kept one stays.
    command(&mut app, Command::Back);
    command(&mut app, Command::Back);
    assert_eq!(app.trail.len(), 1);
    let before = app.trail.len();
    command(&mut app, Command::Keep);
    command(&mut app, Command::Keep);
    assert_eq!(app.trail.len(), before + 1);
    assert!(app.flash().is_some_and(|f| f.error));
}

/// Answers the audit the app asked for, as the worker would.
fn answer_audit(app: &mut App, engine: &mut crate::search::Engine) {
    for effect in app.take_effects() {
        if let Effect::Audit { generation, filter } = effect {
            let allowed = engine.allowed(filter.as_deref()).unwrap();
            let audit = crate::audit::run(
                &engine.corpus,
                &crate::audit::AuditOptions::default(),
                allowed.as_deref().map(crate::search::Allowed::mask),
                &|_| {},
            );
            app.update(Action::Worker {
                reply: Reply::Audited {
                    generation,
                    result: Ok(Arc::new(audit)),
                },
                at: Instant::now(),
            });
        }
    }
}

#[test]
fn the_audit_lens_is_asked_once_per_filter_pivots_and_saves() {
    let (mut app, mut engine) = ready_app();
    command(&mut app, Command::Audit);
    assert!(matches!(
        app.lens().unwrap().state,
        AuditState::Running { .. }
    ));
    // Typing does not reach the query line while the lens is open.
    type_text(&mut app, "x");
    assert_eq!(app.query_text(), "");
    // An answer to another generation is dropped.
    app.update(Action::Worker {
        reply: Reply::Audited {
            generation: 99,
            result: Err("stale".into()),
        },
        at: Instant::now(),
    });
    assert!(matches!(
        app.lens().unwrap().state,
        AuditState::Running { .. }
    ));
    answer_audit(&mut app, &mut engine);
    let audit = app.lens().unwrap().audit().unwrap().clone();
    assert_eq!(audit.audited, 12);
    // Closed and opened again under the same filter: no new audit.
    command(&mut app, Command::Back);
    assert!(app.lens().is_none());
    command(&mut app, Command::Audit);
    assert!(
        !app.take_effects()
            .iter()
            .any(|e| matches!(e, Effect::Audit { .. }))
    );
    command(&mut app, Command::Export);
    let effects = app.take_effects();
    let Some(Effect::Export(table)) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(table.name, "audit");
    let members: usize = audit.duplicates.iter().map(|g| g.members.len()).sum();
    assert_eq!(table.rows.len(), members + audit.miscategorised.len());
    // Enter pivots on the selected row's product and closes the lens.
    if let Some(position) = app.lens().unwrap().selected_product() {
        command(&mut app, Command::Pivot);
        assert!(app.lens().is_none());
        let Subject::Like { kept, .. } = &app.step().subject else {
            panic!("not a pivot")
        };
        assert_eq!(kept[0].position, position);
    }
}

#[test]
fn question_mark_opens_help_only_on_an_empty_line() {
    let (mut app, _) = ready_app();
    type_text(&mut app, "?");
    assert!(app.help && app.query_text().is_empty());
    command(&mut app, Command::SelectNext);
    assert!(
        !app.help && app.step().list.selected == 0,
        "a key closes the help and does nothing else"
    );
    type_text(&mut app, "mug?");
    assert_eq!(app.query_text(), "mug?");
    command(&mut app, Command::Help);
    assert!(app.help);
    command(&mut app, Command::Quit);
    assert!(app.quit);
}

#[test]
fn home_and_end_move_the_cursor_with_text_and_the_selection_without() {
    let (mut app, _) = ready_app();
    command(&mut app, Command::End);
    assert_eq!(app.step().list.selected, 11);
    command(&mut app, Command::Home);
    assert_eq!(app.step().list.selected, 0);
    type_text(&mut app, "ab");
    command(&mut app, Command::Home);
    type_text(&mut app, "x");
    assert_eq!(app.query_text(), "xab");
}

#[test]
fn copy_and_export_are_effects() {
    let (mut app, _) = ready_app();
    command(&mut app, Command::SelectNext);
    command(&mut app, Command::CopyId);
    command(&mut app, Command::Export);
    let effects: Vec<Effect> = app
        .take_effects()
        .into_iter()
        .filter(|e| !matches!(e, Effect::Search { .. }))
        .collect();
    assert_eq!(effects[0], Effect::Copy("T-2".into()));
    let Effect::Export(table) = &effects[1] else {
        panic!("{effects:?}")
    };
    assert_eq!(table.rows.len(), 12);
    // Catalog order has no scores.
    assert_eq!(table.rows[0][..2], ["1", "T-1"]);
    assert_eq!(table.rows[0][6], "");
}

#[test]
fn paging_and_resizing_keep_the_selection_in_view() {
    let (mut app, _) = ready_app();
    app.update(Action::Resize {
        width: 80,
        height: 24,
    });
    let rows = app.areas().result_rows();
    command(&mut app, Command::PageDown);
    assert_eq!(app.step().list.selected, rows - 1);
    command(&mut app, Command::SelectLast);
    app.update(Action::Resize {
        width: 40,
        height: 10,
    });
    let list = &app.step().list;
    assert!(
        list.selected >= list.offset && list.selected < list.offset + app.areas().result_rows()
    );
}

#[test]
fn a_long_paste_is_one_line_and_one_query() {
    let (mut app, _) = ready_app();
    let paste = "warm light\nfor the desk\r\n".repeat(200);
    app.update(Action::Paste(paste));
    assert!(!app.query_text().contains('\n'));
    assert_eq!(result_searches(&mut app), 1);
}

#[test]
fn a_cut_query_is_flagged() {
    let (mut app, _) = ready_app();
    type_text(&mut app, "long");
    let generation = app.generation;
    let mut answer = app
        .corpus()
        .unwrap()
        .answer(
            &SearchRequest::like(0, 3),
            None,
            None,
            &mut Scratch::default(),
        )
        .unwrap();
    answer.truncated = true;
    answer.embed_time = Some(Duration::from_millis(3));
    deliver(&mut app, generation, Ok(answer));
    assert!(app.step().info.unwrap().truncated);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| crate::tui::view::draw(f, &app)).unwrap();
    assert!(
        terminal
            .backend()
            .to_string()
            .contains("query cut to 256 tokens")
    );
}

#[test]
fn a_filter_is_typed_with_completion_checked_and_applied_to_every_search() {
    let (mut app, mut engine) = ready_app();
    command(&mut app, Command::Filter);
    type_text(&mut app, "categ");
    let edit = app.filter_edit().unwrap();
    assert_eq!(edit.completions[0].insert, "category");
    command(&mut app, Command::ToggleFocus);
    type_text(&mut app, "= foot");
    assert_eq!(app.filter_edit().unwrap().line.text(), "category = foot");
    command(&mut app, Command::ToggleFocus);
    assert_eq!(
        app.filter_edit().unwrap().line.text(),
        "category = Footwear "
    );
    // Typed text goes to the filter line, not the query.
    assert_eq!(app.query_text(), "");
    command(&mut app, Command::Pivot);
    assert_eq!(app.filter(), Some("category = Footwear"));
    assert!(app.filter_edit().is_none());
    // The catalog order shows only the matching products, and searches carry the filter.
    let corpus = app.corpus().unwrap().clone();
    let shown: Vec<&str> = app
        .step()
        .list
        .hits
        .iter()
        .map(|h| corpus.product(h).category.as_str())
        .collect();
    assert!(
        !shown.is_empty() && shown.iter().all(|c| *c == "Footwear"),
        "{shown:?}"
    );
    type_text(&mut app, "warm");
    let filters: Vec<Option<String>> = app
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Search { request, .. } => Some(request.filter.clone()),
            _ => None,
        })
        .collect();
    assert!(
        filters
            .iter()
            .all(|f| f.as_deref() == Some("category = Footwear"))
    );
    answer(&mut app, &mut engine);
    let found = |app: &App| -> Vec<String> {
        let lists = [&app.step().list, app.alikes()];
        lists
            .iter()
            .flat_map(|l| l.hits.iter())
            .map(|h| corpus.product(h).category.clone())
            .collect()
    };
    assert!(
        found(&app).iter().all(|c| c == "Footwear"),
        "{:?}",
        found(&app)
    );
}

#[test]
fn a_bad_filter_is_marked_and_never_applied() {
    let (mut app, _) = ready_app();
    command(&mut app, Command::Filter);
    type_text(&mut app, "price = cheap");
    let error = app.filter_edit().unwrap().error.clone().unwrap();
    assert_eq!(error.column, 9);
    command(&mut app, Command::Pivot);
    assert!(app.filter_edit().is_some() && app.filter().is_none());
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| crate::tui::view::draw(f, &app)).unwrap();
    let screen = terminal.backend().to_string();
    assert!(screen.contains("`price` is a number field"), "{screen}");
    command(&mut app, Command::Back);
    assert!(app.filter_edit().is_none() && app.filter().is_none());
}
