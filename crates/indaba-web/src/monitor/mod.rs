//! Monitoring at scale (issue 12): list files, the scan workers, and the
//! pages and API of lists and scans.

pub mod files;
pub mod worker;
