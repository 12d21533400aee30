//! The engine: Winsock semantics over a [`Net`](crate::net::Net).
//!
//! (Being written: this shell is replaced by the socket table and data path.)

pub mod handles;

use crate::net::Net;
use std::sync::Arc;

/// The Winsock engine over the network `N`.
pub struct Engine<N: Net> {
    #[allow(dead_code)]
    net: Arc<N>,
}

impl<N: Net> Engine<N> {
    /// An engine over `net`.
    pub fn new(net: N) -> Self {
        Engine { net: Arc::new(net) }
    }
}
