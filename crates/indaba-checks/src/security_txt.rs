//! security.txt placeholder
