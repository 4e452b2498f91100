//! nines: a failure simulator for cloud data architectures.
//!
//! A scenario (TOML) describes regions, zones, components, how the service
//! depends on them, and named variants. nines replays many independent years
//! of failures and repairs over it and reports downtime, availability,
//! outages and their causes, with confidence intervals.
//!
//! The pipeline: [`scenario`] parses and validates into a [`model::Model`];
//! [`engine`] simulates one trial; [`runner`] runs trials in parallel and
//! [`stats`] accumulates them; [`report`] renders tables, JSON and CSV;
//! [`plot`] draws charts from the same report data; [`sweep`] runs a
//! scenario over values of a parameter; [`import`] writes a scenario
//! skeleton from Terraform or CloudFormation; [`cli`] is the command line.

#![warn(missing_docs)]

pub mod calendar;
pub mod cli;
pub mod diagram;
pub mod dist;
pub mod downtime;
pub mod durability;
pub mod engine;
pub mod error;
pub mod exact;
pub mod html;
pub mod import;
pub mod model;
pub mod new;
pub mod output;
pub mod plot;
pub mod presets;
pub mod probe;
pub mod progress;
pub mod queue;
pub mod rare;
pub mod report;
pub mod rng;
pub mod runner;
pub mod scenario;
pub mod schema;
pub mod shard;
pub mod stats;
pub mod stdout;
pub mod superacc;
pub mod sweep;
pub mod uncertainty;
pub mod units;
pub mod validate;

pub use error::{Error, ScenarioError};
