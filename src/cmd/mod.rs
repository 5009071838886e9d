//! The CLI's subcommands, one file each.
