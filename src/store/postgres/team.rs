//! Team coordination (leases, claims, notifications).
