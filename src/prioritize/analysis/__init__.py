"""Reports over a scored backlog: pure functions, frames in and frames out, no I/O."""
