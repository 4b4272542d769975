//! The demo channel. (Skeleton: the channels helper fills this in.)
