//! The store test suite, written once for every backend: each function gets a fresh, empty
//! store (as user "kim") and checks one behaviour of [`StoreBackend`]. A backend's tests run them
//! all with [`conformance_suite!`]`(run)`, where `run(f)` calls `f` on a fresh store.

mod answer;
mod followups;
mod ingest;
mod list;
mod outbox;
mod search;
mod status;

pub(crate) use answer::*;
pub(crate) use followups::*;
pub(crate) use ingest::*;
pub(crate) use list::*;
pub(crate) use outbox::*;
pub(crate) use search::*;
pub(crate) use status::*;

use jiff::Timestamp;

use crate::model::{Author, IncomingItem, Kind, Visibility};

/// One `#[test]` per conformance function, each calling `$run(function)`.
macro_rules! conformance_suite {
    ($run:path) => {
        $crate::store::conformance::conformance_suite!(@tests $run;
            ingest_dedups_and_keeps_cursor,
            ingest_sanitizes_remote_text,
            one_batch_is_ingested_as_one_item_after_another,
            status_changes_pause_and_resume_the_clock,
            reply_answers_the_thread_and_next_message_gets_next_response_clock,
            a_new_message_brings_back_pending_items_of_the_thread,
            reopening_a_done_item_starts_a_fresh_clock,
            undoing_done_keeps_the_clock_and_the_breach,
            drafts_round_trip,
            list_filters,
            list_rows_are_the_listed_items,
            search_finds_words_by_their_start,
            filters_run_in_the_store,
            limits_apply_after_the_filter_and_orders_hold,
            pages_after_an_item_are_the_list_in_order,
            an_answer_to_our_reply_joins_the_thread,
            feed_entries_wait_from_when_they_are_first_seen,
            followups_get_case_numbers_pause_the_clock_and_close_with_an_outcome,
            keeping_an_item_open_after_its_case_brings_back_its_status_and_clock,
            a_snoozed_item_comes_back_when_its_time_is_up,
            leaving_snoozed_forgets_the_wake_time,
            priority_changes_are_kept_and_recorded,
            tags_and_assignee_are_kept_and_recorded,
            read_marks_are_kept,
            sync_errors_are_kept_until_the_next_sync,
            notes_are_recorded_in_the_history,
            outbox_queues_sends_and_records_the_reply,
            failed_replies_are_kept_and_can_be_resent,
            activity_since_shows_new_messages_and_replies_by_others,
            first_responders_name_who_answered_each_item,
            the_right_to_answer_is_taken_once_per_inbound_message,
        );
    };
    (@tests $run:path; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                $run($crate::store::conformance::$name);
            }
        )*
    };
}
pub(crate) use conformance_suite;

pub(crate) fn incoming(remote: &str, created: Timestamp) -> IncomingItem {
    IncomingItem {
        remote_id: remote.into(),
        kind: Kind::Mention,
        author: Author {
            handle: "@kim@example.social".into(),
            name: "Kim".into(),
        },
        text: format!("hello from {remote}"),
        url: None,
        created_at: created,
        thread_root: None,
        in_reply_to: None,
        visibility: Visibility::Public,
    }
}

pub(crate) fn reply_in(remote: &str, root: &str, created: Timestamp) -> IncomingItem {
    IncomingItem {
        thread_root: Some(root.into()),
        in_reply_to: Some(root.into()),
        kind: Kind::Reply,
        ..incoming(remote, created)
    }
}
