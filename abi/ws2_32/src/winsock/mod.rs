//! The Winsock 2 API over a provider table.
