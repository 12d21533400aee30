//! The Win32 pieces Winsock programs lean on.
