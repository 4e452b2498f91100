//! Presets: sourced figures (storage classes, and later instance types and
//! AWS defaults) that scenarios refer to by name instead of restating them.
//! Each figure carries its source; estimates are labelled as such.

pub mod storage;
