//! The scorecard and statistical process control: pure computations and SVG charts.

pub mod chart;
pub mod spc;
