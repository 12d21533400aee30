//! `impl Layer for Trace` (after the layer framework lands).
