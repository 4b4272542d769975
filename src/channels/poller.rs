//! One poller task per account. (Skeleton: the channels helper fills this in.)

use jiff::Timestamp;

use crate::store::IngestReport;

/// What a poller tells the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollerEvent {
    Started {
        account: String,
    },
    Synced {
        account: String,
        report: IngestReport,
        at: Timestamp,
    },
    Failed {
        account: String,
        error: String,
        retry_at: Option<Timestamp>,
    },
}
