//! SQLite backend. (Skeleton: the store helper fills this in.)
