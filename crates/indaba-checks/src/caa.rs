//! CAA placeholder
