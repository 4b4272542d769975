//! Drawing: a pure function of state, theme and `now`. (Skeleton: the UI helper fills this in.)
