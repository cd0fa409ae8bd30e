//! indaba-engine
