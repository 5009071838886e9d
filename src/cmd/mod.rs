//! The CLI's subcommands, one file each, and the context they share (dirs, settings, the catalog to open, the model).

pub mod audit;
pub mod bench;
pub mod gen_catalog;
pub mod index;
pub mod keys;
pub mod output;
pub mod progress;
pub mod search;
pub mod setup;

use std::path::PathBuf;

use crate::atomic_file;
use crate::catalog::LoadOptions;
use crate::cli::Common;
use crate::config::Settings;
use crate::embed::bulk::Batching;
use crate::embed::provision::{self, ModelFiles, Sources};
use crate::error::{Error, Result};
use crate::paths::Dirs;
use crate::search::{OpenOptions, OpenReport};

/// The bundled sample catalog, built into the program and written to the data dir when first used.
const BUNDLED_CATALOG: &str = include_str!("../../assets/products.json");

/// Everything a command needs, resolved once from the arguments and the environment.
pub struct Context {
    pub dirs: Dirs,
    pub settings: Settings,
    pub common: Common,
}

impl Context {
    pub fn new(common: Common) -> Result<Self> {
        let dirs = Dirs::from_env()?;
        let settings = Settings::load(common.config.as_deref(), dirs.config.as_deref())?;
        Ok(Self {
            dirs,
            settings,
            common,
        })
    }

    /// `--catalog`, else config's `catalog.path`, else the bundled sample.
    pub fn catalog_path(&self) -> Result<PathBuf> {
        if let Some(path) = self
            .common
            .catalog
            .clone()
            .or_else(|| self.settings.catalog_path())
        {
            return Ok(path);
        }
        self.bundled_catalog()
    }

    fn bundled_catalog(&self) -> Result<PathBuf> {
        let dir = self.dirs.data.join("bundled");
        let path = dir.join("products.json");
        if std::fs::read(&path).ok().as_deref() != Some(BUNDLED_CATALOG.as_bytes()) {
            atomic_file::write(&path, BUNDLED_CATALOG.as_bytes())
                .map_err(|e| Error::io(&path, e))?;
        }
        Ok(path)
    }

    pub fn open_options(&self, batching: Batching) -> Result<OpenOptions> {
        Ok(OpenOptions {
            settings: self.settings.clone(),
            catalog: self.catalog_path()?,
            load: LoadOptions {
                format: self.common.format,
                fields: self.settings.config.catalog.fields.clone(),
                skip_invalid: self.common.skip_invalid,
            },
            cache_root: (!self.common.no_cache).then(|| self.dirs.cache.clone()),
            batching,
            checkpoint_every: crate::search::CHECKPOINT_EVERY,
        })
    }

    /// The model files; on first use (nothing installed, no files of the user's own) they are set up first.
    pub fn model_files(&self) -> Result<ModelFiles> {
        let sources = Sources::from_env(self.common.model_dir.clone());
        let first_run = sources.model_dir.is_none()
            && sources.runtime.is_none()
            && !self.dirs.model_dir().exists();
        if first_run {
            setup::run(self, &mut std::io::stderr())?;
        }
        provision::locate(&self.dirs, &sources)
    }

    /// Prints the one-line notices and skipped rows of an open, unless quiet.
    pub fn print_notices(&self, report: &OpenReport, skipped: &[crate::error::RowError]) {
        if self.common.quiet {
            return;
        }
        for notice in &report.notices {
            eprintln!("lookalike: {notice}");
        }
        if !skipped.is_empty() {
            eprintln!(
                "lookalike: skipped {} invalid row(s):{}",
                skipped.len(),
                crate::error::list_rows(skipped)
            );
        }
    }
}

/// Writes to stdout, mapping a closed pipe to a quiet success (`lookalike search ... | head`).
pub fn write_out(result: std::io::Result<()>) -> Result<()> {
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| Error::io("<stdout>", e)),
    }
}

/// No command: the interactive app, or (built without it) a one-screen summary of the catalog.
pub fn interactive(ctx: &Context, out: &mut dyn std::io::Write) -> Result<()> {
    #[cfg(feature = "tui")]
    {
        let _ = out;
        crate::tui::run(ctx)
    }
    #[cfg(not(feature = "tui"))]
    {
        index::run(ctx, out)?;
        write_out(writeln!(
            out,
            "built without the interactive app (feature `tui`); try `lookalike search QUERY`"
        ))
    }
}
