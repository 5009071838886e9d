//! The interactive terminal app.
