//! The windowed list through `update`: a closed tail by id, rows loaded around the screen.

use crate::app::msg::Loaded;
use crate::app::test_support::*;
use crate::app::{AppState, Effect, Msg};
use crate::model::{ItemId, ItemRow, Status};
use crate::sla::Policies;
use crate::testing::{item, t0};

/// A closed item, older the smaller its id.
fn closed(id: i64) -> ItemRow {
    let mut it = item(id, t0(), 86_400 + (100_000 - id));
    it.status = Status::Done;
    ItemRow::from(&it)
}

/// Three open items (ids 1..=3) and `n` closed ones (ids 1000.., newest first), the first
/// `loaded` of the tail loaded with the list, on an 80 × 24 screen with `c` on.
fn windowed(n: i64, loaded: usize) -> AppState {
    let mut s = AppState::new(Policies::default(), false, "me".into());
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 24,
        },
        t0(),
    );
    s.show_closed = true;
    let tail: Vec<ItemId> = (1000..1000 + n).rev().map(ItemId).collect();
    let window = tail[..loaded].iter().map(|id| closed(id.0)).collect();
    let open = rows((1..=3).map(|i| item(i, t0(), i * 60)));
    update(
        &mut s,
        Msg::ListLoaded(Box::new(Loaded {
            open,
            tail,
            merged: false,
            window,
            covered: 0..loaded,
            ..Loaded::default()
        })),
        t0(),
    );
    s
}

/// Answer the chunks of a search of the tail as a store holding `matches` would, each
/// asked for after the one before, until none is; how many were asked.
fn answer_chunks(s: &mut AppState, mut fx: Vec<Effect>, matches: &[ItemId]) -> usize {
    let mut n = 0;
    while let Some((query, range, ids)) = fx.iter().find_map(|e| match e {
        Effect::SearchTail { query, range, ids } => {
            Some((query.clone(), range.clone(), ids.clone()))
        }
        _ => None,
    }) {
        n += 1;
        let ids = ids.into_iter().filter(|id| matches.contains(id)).collect();
        fx = update(s, Msg::TailMatches { query, range, ids }, t0());
    }
    n
}

/// The ids of the rows a `LoadRows` among `fx` asks for.
fn asked(fx: &[Effect]) -> Option<Vec<ItemId>> {
    fx.iter().find_map(|e| match e {
        Effect::LoadRows(ids) => Some(ids.clone()),
        _ => None,
    })
}

#[test]
fn open_rows_come_first_then_the_closed_tail_by_id() {
    let s = windowed(5000, 150);
    assert_eq!(s.items.len(), 5003);
    assert_eq!(s.items.rows().len(), 3, "only the open rows are whole");
    assert_eq!(s.items.id_at(3), Some(ItemId(5999)), "newest closed first");
    assert_eq!(s.items.get(3).map(|r| r.id), Some(ItemId(5999)));
    // Past the window: an id, no row (drawn as a placeholder).
    assert_eq!(s.items.id_at(4000), Some(ItemId(2002)));
    assert!(s.items.get(4000).is_none());
}

#[test]
fn g_goes_to_the_oldest_item_and_loads_the_window_there() {
    let mut s = windowed(5000, 150);
    let fx = update(&mut s, key('G'), t0());
    assert_eq!(s.selected, 5002);
    assert_eq!(s.items.id_at(s.selected), Some(ItemId(1000)));
    assert!(s.selected_item().is_none(), "not loaded yet: a placeholder");
    let ids = asked(&fx).expect("the window is asked for");
    assert!(ids.contains(&ItemId(1000)), "the oldest is in the window");
    assert!(!ids.contains(&ItemId(5999)), "the top is not");
    assert!(s.detail.is_none());
    // The rows arrive: the oldest item is there, and its detail is asked for.
    let fx = update(
        &mut s,
        Msg::RowsLoaded(ids.iter().map(|id| closed(id.0)).collect()),
        t0(),
    );
    assert_eq!(s.selected_item().map(|r| r.id), Some(ItemId(1000)));
    assert!(fx.contains(&Effect::LoadDetail(ItemId(1000))));
    // Moving within the loaded window asks for nothing more.
    let fx = update(&mut s, key('k'), t0());
    assert_eq!(asked(&fx), None);
    assert_eq!(s.selected_item().map(|r| r.id), Some(ItemId(1001)));
}

#[test]
fn moving_down_loads_the_next_window_before_the_screen_reaches_its_edge() {
    let mut s = windowed(5000, 150);
    let mut first_ask = None;
    for step in 0..200 {
        let fx = update(&mut s, key('j'), t0());
        // Every row on screen is loaded: the load went out ahead of the move.
        let rows = crate::app::layout::visible_items(&s);
        assert!(
            rows.clone().all(|i| s.items.get(i).is_some()),
            "step {step}: a row on screen at {rows:?} was not loaded"
        );
        if let Some(ids) = asked(&fx) {
            first_ask.get_or_insert(step);
            update(
                &mut s,
                Msg::RowsLoaded(ids.iter().map(|id| closed(id.0)).collect()),
                t0(),
            );
        }
    }
    let step = first_ask.expect("a window was asked for");
    assert!(step < 150, "asked at step {step}, before the loaded edge");
}

#[test]
fn search_counts_open_matches_and_the_tail_s_from_the_store_and_n_jumps_into_it() {
    let mut s = windowed(5000, 150);
    update(&mut s, key('/'), t0());
    let mut fx = Vec::new();
    for c in "order".chars() {
        fx = update(&mut s, key(c), t0());
    }
    // The open rows match at once; the tail is asked of the store.
    let asked_tail = fx
        .iter()
        .any(|e| matches!(e, Effect::SearchTail { query, .. } if query == "order"));
    assert!(asked_tail, "{fx:?}");
    // The store finds four closed ones, one deep in the tail.
    let found = [ItemId(5990), ItemId(4000), ItemId(3000), ItemId(1200)];
    let chunks = |n: usize| n.div_ceil(crate::app::search_tail::CHUNK);
    assert_eq!(answer_chunks(&mut s, fx, &found), chunks(5_000));
    let msg = s.message.clone().map(|m| m.1).unwrap_or_default();
    assert!(msg.ends_with(" of 7"), "3 open + 4 closed: {msg}");
    update(&mut s, code(crossterm::event::KeyCode::Enter), t0());
    // n walks past the open matches into the tail, loading the window there.
    let mut fx = Vec::new();
    for _ in 0..4 {
        fx = update(&mut s, key('n'), t0());
    }
    assert_eq!(s.items.id_at(s.selected), Some(ItemId(4000)));
    let ids = asked(&fx).expect("the window at the match is asked for");
    assert!(ids.contains(&ItemId(4000)));
    let msg = s.message.clone().map(|m| m.1).unwrap_or_default();
    assert!(msg.ends_with("5 of 7"), "{msg}");
}

#[test]
fn v_marks_the_whole_tail_by_id_and_a_bulk_action_reaches_every_one() {
    let mut s = windowed(2000, 150);
    update(&mut s, key('V'), t0());
    assert_eq!(s.marked.len(), 2003, "every id, loaded or not");
    update(&mut s, key('u'), t0());
    let fx = update(&mut s, key('y'), t0());
    let reopened = fx
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::SetStatus {
                    status: Status::New,
                    ..
                }
            )
        })
        .count();
    assert_eq!(reopened, 2000, "every closed item, those off screen too");
}

#[test]
fn a_taller_screen_loads_the_rows_it_now_shows() {
    let mut s = windowed(5000, 30);
    let fx = update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 200,
        },
        t0(),
    );
    let ids = asked(&fx).expect("the window of the taller screen");
    assert!(
        ids.contains(&ItemId(5999 - 147)),
        "row 150 is on screen now"
    );
}

/// The first part of a tail of `n` (ids 1000.., newest first) as a new list brings it: its
/// first `first` ids, more to come.
fn first_part(n: i64, first: usize) -> (AppState, Vec<Effect>) {
    let mut s = windowed(0, 0);
    let mut spec = crate::app::triage::list_spec(&s);
    assert_eq!(spec.first, Some(crate::app::list::FIRST), "a new list");
    assert!(spec.reuse_open, "the app has the open rows");
    // The store's open rows (none) rather than the app's (three).
    spec.reuse_open = false;
    let fx = update(&mut s, part(spec, n, first), t0());
    (s, fx)
}

/// The first `first` ids of a tail of `n` (ids 1000.., newest first), without open rows,
/// the first 100 rows loaded, pages to come.
fn part(spec: crate::app::effect::ListSpec, n: i64, first: usize) -> Msg {
    let tail: Vec<ItemId> = (1000..1000 + n).rev().take(first).map(ItemId).collect();
    Msg::ListLoaded(Box::new(Loaded {
        open: Vec::new(),
        window: tail[..100].iter().map(|id| closed(id.0)).collect(),
        tail,
        covered: 0..100,
        spec,
        next: Some(ItemId(1000 + n - first as i64)),
        ..Loaded::default()
    }))
}

fn page_asked(fx: &[Effect]) -> Option<ItemId> {
    fx.iter().find_map(|e| match e {
        Effect::LoadTail { after, .. } => Some(*after),
        _ => None,
    })
}

/// A page read after `after`: `ids` kept, the next page after the last of them if `more`.
fn page(s: &AppState, after: i64, ids: std::ops::Range<i64>, more: bool) -> Msg {
    let next = more.then_some(ItemId(ids.start));
    Msg::TailLoaded(Box::new(crate::app::msg::TailPage {
        spec: s.items.spec().cloned().expect("a tail"),
        after: ItemId(after),
        ids: ids.rev().map(ItemId).collect(),
        next,
    }))
}

#[test]
fn a_new_list_shows_its_first_part_and_the_rest_follows_in_pages() {
    let (mut s, fx) = first_part(5000, 1000);
    assert_eq!(s.items.len(), 1000, "what has come so far");
    assert!(s.items.pending());
    assert_eq!(s.selected_item().map(|r| r.id), Some(ItemId(5999)));
    // The next page is asked for after the last id that came.
    assert_eq!(page_asked(&fx), Some(ItemId(5000)));
    let m = page(&s, 5000, 3000..5000, true);
    let fx = update(&mut s, m, t0());
    assert_eq!(s.items.len(), 3000);
    assert_eq!(s.items.id_at(2999), Some(ItemId(3000)));
    assert_eq!(page_asked(&fx), Some(ItemId(3000)));
    // A page of a list since replaced (or asked twice) is dropped.
    let m = page(&s, 5000, 3000..5000, true);
    let fx = update(&mut s, m, t0());
    assert_eq!(s.items.len(), 3000);
    assert_eq!(page_asked(&fx), None);
    // The last page: the list is whole, nothing more is asked.
    let m = page(&s, 3000, 1000..3000, false);
    let fx = update(&mut s, m, t0());
    assert_eq!(s.items.len(), 5000);
    assert!(!s.items.pending());
    assert_eq!(page_asked(&fx), None);
    // The same list again (a change in the store) is read whole: no shrinking.
    assert_eq!(crate::app::triage::list_spec(&s).first, None);
}

#[test]
fn g_before_the_last_page_follows_the_end_as_pages_arrive() {
    let (mut s, _) = first_part(5000, 1000);
    update(&mut s, key('G'), t0());
    assert_eq!(s.selected, 999, "the end so far");
    let m = page(&s, 5000, 3000..5000, true);
    update(&mut s, m, t0());
    assert_eq!(s.items.id_at(s.selected), Some(ItemId(3000)), "followed");
    // Moving away stops following.
    update(&mut s, key('k'), t0());
    let m = page(&s, 3000, 1000..3000, false);
    update(&mut s, m, t0());
    assert_eq!(s.items.id_at(s.selected), Some(ItemId(3001)));
    update(&mut s, key('G'), t0());
    assert_eq!(s.items.id_at(s.selected), Some(ItemId(1000)), "the oldest");
}

#[test]
fn a_search_goes_to_the_next_match_near_it_before_the_whole_tail_is_searched() {
    let mut s = windowed(5000, 150);
    for _ in 0..10 {
        update(&mut s, key('j'), t0());
    }
    update(&mut s, key('/'), t0());
    let mut fx = Vec::new();
    for c in "zzz".chars() {
        fx = update(&mut s, key(c), t0());
    }
    // Near first, from the search's origin on; the whole tail after.
    let near = fx
        .iter()
        .position(|e| matches!(e, Effect::SearchNear { .. }));
    let whole = fx
        .iter()
        .position(|e| matches!(e, Effect::SearchTail { .. }));
    assert!(near.is_some() && near < whole, "{fx:?}");
    let Some(Effect::SearchNear { ids, .. }) = near.map(|k| &fx[k]) else {
        unreachable!()
    };
    assert_eq!(ids.first(), Some(&ItemId(5992)), "the origin can match");
    assert_eq!(ids.len(), crate::app::search::NEAR);
    // One match near: the search goes there at once; the count is still coming.
    update(
        &mut s,
        Msg::NearMatches {
            query: "zzz".into(),
            ids: vec![ItemId(5900)],
        },
        t0(),
    );
    assert_eq!(s.items.id_at(s.selected), Some(ItemId(5900)));
    let msg = s.message.clone().map(|m| m.1).unwrap_or_default();
    assert!(msg.contains("searching closed items"), "{msg}");
    // The whole tail's answer counts them and leaves the selection where it went.
    let found = [ItemId(5995), ItemId(5900), ItemId(1500)];
    answer_chunks(&mut s, fx, &found);
    assert_eq!(s.items.id_at(s.selected), Some(ItemId(5900)));
    let msg = s.message.clone().map(|m| m.1).unwrap_or_default();
    assert!(msg.ends_with("2 of 3"), "{msg}");
    // An answer for an older query changes nothing.
    update(
        &mut s,
        Msg::NearMatches {
            query: "zz".into(),
            ids: vec![ItemId(5100)],
        },
        t0(),
    );
    assert_eq!(s.items.id_at(s.selected), Some(ItemId(5900)));
}

#[test]
fn a_search_of_a_tail_still_coming_goes_on_with_each_page() {
    let (mut s, _) = first_part(20_000, 1_000);
    update(&mut s, key('/'), t0());
    let mut fx = Vec::new();
    for c in "zzz".chars() {
        fx = update(&mut s, key(c), t0());
    }
    let found = [ItemId(20_500), ItemId(15_000), ItemId(1_500)];
    // What has come is searched (one chunk), then the search waits for the list.
    assert_eq!(answer_chunks(&mut s, fx, &found), 1);
    let said = |s: &AppState| s.message.clone().map(|m| m.1).unwrap_or_default();
    assert!(said(&s).contains("searching closed items"), "{}", said(&s));
    // A page brings the next chunks; the last page the end of the search.
    let m = page(&s, 20_000, 10_000..20_000, true);
    let fx = update(&mut s, m, t0());
    let chunks = |n: usize| n.div_ceil(crate::app::search_tail::CHUNK);
    assert_eq!(answer_chunks(&mut s, fx, &found), chunks(10_000));
    let m = page(&s, 10_000, 1_000..10_000, false);
    let fx = update(&mut s, m, t0());
    assert_eq!(answer_chunks(&mut s, fx, &found), chunks(9_000));
    assert!(!said(&s).contains("searching"), "{}", said(&s));
    let positions = s.hits.as_ref().map(|h| h.positions.clone());
    assert_eq!(positions, Some(vec![499, 5_999, 19_499]));
    // Enter, then n goes through them, into the tail's far end.
    update(&mut s, code(crossterm::event::KeyCode::Enter), t0());
    for _ in 0..2 {
        update(&mut s, key('n'), t0());
    }
    assert_eq!(s.items.id_at(s.selected), Some(ItemId(1_500)));
    assert!(said(&s).ends_with("3 of 3"), "{}", said(&s));
}

#[test]
fn a_new_view_shows_with_the_open_rows_the_app_has_then_the_store_s_fresh_ones() {
    let mut s = windowed(5000, 150);
    // Another list than the one shown (the test's was listed for no one).
    let spec = crate::app::triage::list_spec(&s);
    assert!(spec.reuse_open);
    let fx = update(&mut s, part(spec, 5000, 500), t0());
    // The three open rows the app had, then the tail; the store's open rows are asked for.
    assert_eq!(s.items.rows().len(), 3);
    assert_eq!(s.items.id_at(3), Some(ItemId(5999)));
    assert!(fx.contains(&Effect::LoadOpen), "{fx:?}");
    // They came: one open item is new; the tail and its loaded rows stay.
    let mut fresh: Vec<ItemRow> = s.open_rows.clone().expect("open rows");
    fresh.push(ItemRow::from(&item(4, t0(), 30)));
    update(&mut s, Msg::OpenLoaded(fresh), t0());
    assert_eq!(s.items.rows().len(), 4);
    assert_eq!(s.items.len(), 504);
    assert_eq!(s.items.get(4).map(|r| r.id), Some(ItemId(5999)), "row kept");
    assert!(s.items.pending(), "pages still to come");
}
