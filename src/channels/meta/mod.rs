//! Meta's Graph API: Facebook Pages and Instagram professional accounts, two channels
//! sharing one client ([`client::Graph`]), its decoders ([`graph`]), rate-limit headers
//! ([`usage`]) and error mapping ([`errors`]).

pub mod client;
pub mod errors;
pub mod graph;
pub mod usage;
