//! Deterministic in-memory backend with fault injection.
