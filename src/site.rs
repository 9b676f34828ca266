//! The pipeline, end to end: discover → parse → validate → link → derive → render → write.
//!
//! `build` and `check` share everything up to derive; `check` stops there and writes nothing.
//! Each stage's diagnostics are collected; the outcome says whether the site was written.

use crate::build_cache;
use crate::config::Config;
use crate::derive::{self, Derived};
use crate::diagnostics::{Code, Diagnostic, sort_diagnostics};
use crate::discover::{Discovered, DiskFiles, KnowledgeBaseFiles};
use crate::link::{self, Graph};
use crate::model::Entry;
use crate::parse;
use crate::render::{self, PageSink, RenderInput};
use crate::source::{BodySource, FoundFile, SourceFile};
use crate::validate::{self, Validated};
use crate::write::{self, WriteReport};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Knowledge base root (holds `lode.yaml` and `content/`).
    pub root: PathBuf,
    /// Output folder; default from the configuration, relative to the root.
    pub output: Option<PathBuf>,
    /// Overrides `base_url`.
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Reuse and keep rendered pages in `.lode-cache/` (false: a clean build).
    pub use_cache: bool,
}

/// A usage or configuration problem: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// `lode.yaml` is wrong.
    #[error("{}", .0.render(false))]
    Config(Box<Diagnostic>),
    /// The root cannot be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// What.
        source: std::io::Error,
    },
    /// `--root` does not name a knowledge base.
    #[error("`{path}` is not a knowledge base root: {reason}")]
    NotARoot {
        /// The root asked for.
        path: PathBuf,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The output folder cannot be used.
    #[error(transparent)]
    Output(#[from] write::WriteError),
}

/// Checks that `root` is a knowledge base root: a folder holding `lode.yaml` (a usage error
/// otherwise, before anything is read).
pub fn check_root(root: &Path) -> Result<(), SetupError> {
    match crate::discover::root_problem(root) {
        Ok(None) => Ok(()),
        Ok(Some(reason)) => Err(SetupError::NotARoot {
            path: root.to_path_buf(),
            reason,
        }),
        Err(source) => Err(SetupError::Io {
            path: root.to_path_buf(),
            source,
        }),
    }
}

/// How long each stage took, and the process's memory when it ended.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    /// One per stage, in pipeline order.
    pub stages: Vec<StageTiming>,
}

/// One stage's time and the memory readings taken as it ended.
#[derive(Debug, Clone)]
pub struct StageTiming {
    /// Stage name.
    pub stage: &'static str,
    /// Wall time.
    pub time: Duration,
    /// Resident memory and the peak so far when the stage ended, in bytes (Linux only).
    pub memory: Option<MemoryReading>,
}

/// Resident set size now and its high-water mark, from `/proc/self/status`.
#[derive(Debug, Clone, Copy)]
pub struct MemoryReading {
    /// `VmRSS`.
    pub resident: u64,
    /// `VmHWM`: the peak resident size so far.
    pub peak: u64,
}

impl MemoryReading {
    /// Reads this process's memory, where the system tells it (Linux); `None` elsewhere.
    pub fn of_this_process() -> Option<Self> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let kilobytes = |key: &str| -> Option<u64> {
            let line = status.lines().find(|line| line.starts_with(key))?;
            let number = line[key.len()..].trim().trim_end_matches("kB").trim();
            number.parse::<u64>().ok().map(|kb| kb * 1024)
        };
        Some(MemoryReading {
            resident: kilobytes("VmRSS:")?,
            peak: kilobytes("VmHWM:")?,
        })
    }
}

impl Timings {
    fn time<T>(&mut self, stage: &'static str, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = work();
        self.stages.push(StageTiming {
            stage,
            time: start.elapsed(),
            memory: MemoryReading::of_this_process(),
        });
        result
    }

    /// A table of stage times (and memory, where known), one per line.
    pub fn report(&self) -> String {
        let total: Duration = self.stages.iter().map(|stage| stage.time).sum();
        let megabytes = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
        let mut out = format!(
            "{:>19}  {:>9}  {:>11}  {:>11}\n",
            "stage", "time", "rss after", "peak so far"
        );
        for stage in &self.stages {
            out.push_str(&format!(
                "{:>19}  {:>6.1} ms",
                stage.stage,
                stage.time.as_secs_f64() * 1000.0
            ));
            if let Some(memory) = stage.memory {
                out.push_str(&format!(
                    "  {:>8.0} MB  {:>8.0} MB",
                    megabytes(memory.resident),
                    megabytes(memory.peak)
                ));
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "{:>19}  {:>6.1} ms\n",
            "total",
            total.as_secs_f64() * 1000.0
        ));
        out
    }
}

/// The result of `check` or `build`.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Every diagnostic, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Stage timings.
    pub timings: Timings,
    /// What was written (build only, and only on success).
    pub written: Option<WriteReport>,
    /// Entries in the site.
    pub entry_count: usize,
    /// Output folder (build only).
    pub output: Option<PathBuf>,
    /// Set when the build cache showed nothing changed since the last build, which reported
    /// this many warnings: nothing was analysed or written.
    pub nothing_changed: Option<usize>,
}

impl Outcome {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Loads `lode.yaml` from `files` (defaults if absent) and applies command-line overrides.
pub fn load_config(
    files: &dyn KnowledgeBaseFiles,
    options: &BuildOptions,
) -> Result<Config, SetupError> {
    let text = files.config_text().map_err(|source| SetupError::Io {
        path: options.root.join(crate::config::CONFIG_FILE_NAME),
        source,
    })?;
    let mut config = match text {
        Some(text) => Config::from_yaml(&text).map_err(SetupError::Config)?,
        None => Config::default(),
    };
    if let Some(base_url) = &options.base_url {
        config.base_url = if base_url.ends_with('/') {
            base_url.clone()
        } else {
            format!("{base_url}/")
        };
    }
    Ok(config)
}

/// The analysed knowledge base: everything up to derive.
pub struct Analysis {
    /// Configuration.
    pub config: Config,
    /// What discover found (templates and static files are needed by render).
    pub discovered: Discovered,
    /// The graph.
    pub graph: Graph,
    /// Derived views (shared with the memo that may give them to the next build).
    pub derived: std::sync::Arc<Derived>,
}

impl Analysis {
    /// What render needs from this analysis; `bodies` gives the entries' bodies back (the
    /// files the analysis was made from).
    pub fn render_input<'a>(&'a self, bodies: &'a dyn BodySource) -> RenderInput<'a> {
        RenderInput {
            bodies,
            config: &self.config,
            graph: &self.graph,
            derived: &self.derived,
            templates: &self.discovered.templates,
            static_files: &self.discovered.static_files,
            page_cache: None,
        }
    }
}

/// Runs discover → derive on `files`, collecting diagnostics and timings.
pub fn analyse(
    files: &dyn KnowledgeBaseFiles,
    options: &BuildOptions,
    config: Config,
    timings: &mut Timings,
    diagnostics: &mut Vec<Diagnostic>,
) -> Analysis {
    analyse_remembering(
        files,
        options,
        config,
        timings,
        diagnostics,
        &mut AnalysisMemo::default(),
    )
}

/// [`analyse`], reusing what `memo` remembers of an earlier analysis where its inputs are
/// unchanged (each file's validation, the global layout) and remembering this one's in it.
pub fn analyse_remembering(
    files: &dyn KnowledgeBaseFiles,
    options: &BuildOptions,
    config: Config,
    timings: &mut Timings,
    diagnostics: &mut Vec<Diagnostic>,
    memo: &mut AnalysisMemo,
) -> Analysis {
    let mut discovered = timings.time("discover", || files.discover(&config.content));
    diagnostics.append(&mut discovered.diagnostics);
    let found = std::mem::take(&mut discovered.files);
    let pass = ValidationPass {
        files,
        config: &config,
        options,
        memo: &mut memo.validated,
    };
    let (validated, validate_diagnostics) = pass.run(found, timings);
    diagnostics.extend(validate_diagnostics);
    let static_files = static_file_paths(&discovered);
    let (graph, link_diagnostics) = timings.time("link", || {
        link::link_remembering(validated, files, &static_files, &mut memo.link)
    });
    diagnostics.extend(link_diagnostics);
    let derived = timings.time("derive", || {
        derive::derive_remembering(&graph, &mut memo.derive)
    });
    Analysis {
        config,
        discovered,
        graph,
        derived,
    }
}

/// The paths of every static file the output will hold: the built-in ones, the generated
/// highlight CSS and the knowledge base's own `static/` files (what relative links in bodies
/// may point at besides pages).
fn static_file_paths(discovered: &Discovered) -> std::collections::BTreeSet<String> {
    render::templates::built_in_static()
        .iter()
        .map(|(path, _)| path.to_string())
        .chain(std::iter::once("highlight.css".to_string()))
        .chain(discovered.static_files.iter().map(|file| file.path.clone()))
        .collect()
}

/// What an analysis remembers for the next one (see [`analyse_remembering`]); empty, it
/// remembers nothing and the analysis is a clean one.
#[derive(Default)]
pub struct AnalysisMemo {
    /// Each entry file's validation, by path, under the key of its inputs.
    validated: HashMap<String, (u64, validate::FileResult)>,
    /// The mention matcher and each body's scan.
    link: link::LinkMemo,
    /// The derived views and the global layout.
    derive: derive::DeriveMemo,
}

/// The read, parse and validate stages on the `found` files: the `_index.md` schemas first,
/// then every entry in one parallel pass. Each entry keeps only its front matter afterwards, so
/// memory holds the typed entries, never all the raw YAML or all the bodies (link and render
/// fetch a body again when they need it).
pub fn read_parse_validate(
    files: &dyn KnowledgeBaseFiles,
    found: Vec<FoundFile>,
    config: &Config,
    include_drafts: bool,
    timings: &mut Timings,
) -> (Validated, Vec<Diagnostic>) {
    let options = BuildOptions {
        drafts: include_drafts,
        ..BuildOptions::default()
    };
    let pass = ValidationPass {
        files,
        config,
        options: &options,
        memo: &mut HashMap::new(),
    };
    pass.run(found, timings)
}

/// One read+parse+validate pass, with the validations of an earlier pass to reuse.
struct ValidationPass<'a> {
    files: &'a dyn KnowledgeBaseFiles,
    config: &'a Config,
    options: &'a BuildOptions,
    /// Each file's validation, by path, under the key of its inputs (see `validation_key`);
    /// replaced by this pass's.
    memo: &'a mut HashMap<String, (u64, validate::FileResult)>,
}

impl ValidationPass<'_> {
    fn run(self, found: Vec<FoundFile>, timings: &mut Timings) -> (Validated, Vec<Diagnostic>) {
        let files = self.files;
        let (index_files, entry_files): (Vec<_>, Vec<_>) = found
            .into_iter()
            .partition(|file| validate::is_index_path(&file.content_path));
        let (index_files, mut diagnostics) = timings.time("parse schemas", || {
            let (sources, mut read_diagnostics) = read_all(files, &index_files);
            let (parsed, failures) =
                parse::parse_all_keeping_failures(sources, &self.config.limits);
            let mut unparsable = Vec::with_capacity(failures.len());
            for failure in failures {
                read_diagnostics.push(failure.diagnostic);
                unparsable.push(failure.source);
            }
            ((parsed, unparsable), read_diagnostics)
        });
        let (index_files, unparsable_index_files) = index_files;
        let validator = validate::Validator::new(
            &index_files,
            &unparsable_index_files,
            self.config,
            self.options.drafts,
        );
        let schemas_key = self.schemas_key(validator.inputs_key());
        let previous = &*self.memo;
        let keyed: Vec<(Option<(String, u64)>, validate::FileResult)> =
            timings.time("read+parse+validate", || {
                use rayon::prelude::*;
                entry_files
                    .into_par_iter()
                    .map(|found| {
                        let source = match files.read_source(&found) {
                            Ok(source) => source,
                            Err(diagnostic) => {
                                let result = validate::FileResult::unreadable(
                                    diagnostic,
                                    &found.content_path,
                                );
                                return (None, result);
                            }
                        };
                        let key = validation_key(schemas_key, &source);
                        if let Some((remembered_key, result)) = previous.get(&source.path)
                            && *remembered_key == key
                        {
                            return (Some((source.path, key)), result.clone());
                        }
                        let path = source.path.clone();
                        let result =
                            match parse::parse_file_keeping_text(source, &self.config.limits) {
                                Ok(file) => validator.entry(&file).map_entry(Entry::without_body),
                                Err(failure) => validate::FileResult::unparsable(failure),
                            };
                        (Some((path, key)), result)
                    })
                    .collect()
            });
        let mut remembered = HashMap::with_capacity(keyed.len());
        let mut results = Vec::with_capacity(keyed.len());
        for (key, result) in keyed {
            if let Some((path, key)) = key {
                remembered.insert(path, (key, result.clone()));
            }
            results.push(result);
        }
        *self.memo = remembered;
        let (validated, validate_diagnostics) = validator.finish(results);
        diagnostics.extend(validate_diagnostics);
        (validated, diagnostics)
    }

    /// The hash of what every entry's validation depends on besides its own file: the
    /// validator's own inputs (configuration, `--drafts`, every `_index.md`) and `--base-url`.
    fn schemas_key(&self, validator_inputs_key: u64) -> u64 {
        let base_url = self.options.base_url.as_deref().unwrap_or("");
        crate::key::Key::new()
            .number(validator_inputs_key)
            .text(base_url)
            .finish()
    }
}

/// The key of one entry file's validation: the shared inputs' hash and the file's own path and
/// text.
fn validation_key(schemas_key: u64, source: &SourceFile) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&schemas_key.to_le_bytes());
    for part in [&source.path, &source.content_path, &source.text] {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.digest()
}

/// Reads `files` (in parallel: several reads in flight suit a cold disk cache); unreadable
/// files become diagnostics.
fn read_all(
    files: &dyn KnowledgeBaseFiles,
    found: &[FoundFile],
) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    use rayon::prelude::*;
    let results: Vec<_> = found
        .par_iter()
        .map(|found| files.read_source(found))
        .collect();
    crate::diagnostics::split_results(results)
}

/// `lode check`: every check of a build; writes nothing.
pub fn check(options: &BuildOptions) -> Result<Outcome, SetupError> {
    check_root(&options.root)?;
    check_files(&DiskFiles::new(&options.root), options)
}

/// `lode check` on `files` (the disk, or memory): every check of a build; writes nothing.
pub fn check_files(
    files: &dyn KnowledgeBaseFiles,
    options: &BuildOptions,
) -> Result<Outcome, SetupError> {
    let config = load_config(files, options)?;
    let mut outcome = Outcome::default();
    analyse_counted(files, options, config, &mut outcome);
    sort_diagnostics(&mut outcome.diagnostics);
    Ok(outcome)
}

/// [`analyse`], with its timings, diagnostics and entry count recorded in `outcome`: the
/// opening every command shares.
fn analyse_counted(
    files: &dyn KnowledgeBaseFiles,
    options: &BuildOptions,
    config: Config,
    outcome: &mut Outcome,
) -> Analysis {
    let analysis = analyse(
        files,
        options,
        config,
        &mut outcome.timings,
        &mut outcome.diagnostics,
    );
    outcome.entry_count = analysis.graph.entries.len();
    analysis
}

/// `lode build`: check, render into a staging folder, and only if all went well, write.
///
/// With the build cache (`use_cache`), a build whose inputs hash to the last one's, with every
/// output file still there at its length, stops at once ([`Outcome::nothing_changed`]); any
/// other build reuses each page whose key is unchanged and whose file in the output folder is
/// still the one remembered.
pub fn build(options: &BuildOptions) -> Result<Outcome, SetupError> {
    check_root(&options.root)?;
    let files = DiskFiles::new(&options.root);
    let config = load_config(&files, options)?;
    let shown_output = resolve_output(options, &config);
    // Before doing any work: refuse an output folder that holds the sources or is not lode's,
    // take its lock, and clean what a killed build left there.
    let folder = write::OutputFolder::open(&shown_output, &source_folders(options, &config))?;
    let output = folder.path().to_path_buf();
    let mut outcome = Outcome {
        output: Some(shown_output.clone()),
        ..Outcome::default()
    };
    let output_warning = |note: &String| {
        Diagnostic::warning(
            Code::OutputNote,
            shown_output.display().to_string(),
            note.clone(),
        )
    };
    // Warnings about this build's output folder and cache, not about the content: they are
    // reported once, by the build that met them, and not counted in the summary a build with
    // nothing changed repeats (that count is what `lode check` lists).
    let mut this_build_only: Vec<Diagnostic> = folder.notes().iter().map(output_warning).collect();
    let (cache, _cache_lock) = if options.use_cache {
        open_locked_cache(options, &files, &config, &output, &mut this_build_only)
    } else {
        (None, None)
    };
    if let Some(cache) = &cache
        && let Some(summary) = cache.unchanged
    {
        outcome.entry_count = summary.entries as usize;
        outcome.nothing_changed = Some(summary.warnings as usize);
        outcome.diagnostics.extend(this_build_only);
        return Ok(outcome);
    }
    let analysis = analyse_counted(&files, options, config, &mut outcome);
    if outcome.has_errors() {
        outcome.diagnostics.extend(this_build_only);
        sort_diagnostics(&mut outcome.diagnostics);
        return Ok(outcome);
    }
    let staging = outcome.timings.time("stage", || folder.stage())?;
    let page_cache = cache.map(|cache| {
        this_build_only.extend(cache.warning);
        let fingerprint = site_fingerprint(&analysis, &files);
        (
            build_cache::PageCache::on_disk(cache.previous, fingerprint),
            cache.inputs,
        )
    });
    let input = RenderInput {
        page_cache: page_cache.as_ref().map(|(cache, _)| cache),
        ..analysis.render_input(&files)
    };
    let sink = StagingSink(&staging);
    render_timed(&input, &sink, &mut outcome);
    if outcome.has_errors() {
        staging.abandon();
    } else {
        let report = outcome.timings.time("write", || staging.commit())?;
        this_build_only.extend(report.notes.iter().map(output_warning));
        outcome.written = Some(report);
        if let Some((cache, inputs)) = page_cache {
            let summary = build_cache::BuildSummary {
                inputs,
                entries: outcome.entry_count as u64,
                warnings: crate::diagnostics::count(&outcome.diagnostics).1 as u64,
            };
            let path = build_cache::pages_path(&options.root);
            if let Err(error) = build_cache::store(&path, &summary, &cache.into_current()) {
                this_build_only.push(Diagnostic::warning(
                    Code::BuildCache,
                    build_cache::CACHE_FOLDER,
                    format!("cannot write the build cache: {error}"),
                ));
            }
        }
    }
    outcome.diagnostics.extend(this_build_only);
    sort_diagnostics(&mut outcome.diagnostics);
    Ok(outcome)
}

/// The knowledge base's folders an output folder must keep apart from (the root first: the
/// output may lie inside it, but not be it or hold it).
fn source_folders(options: &BuildOptions, config: &Config) -> Vec<write::SourceFolder> {
    let root = &options.root;
    vec![
        ("root", root.clone()),
        ("content folder", root.join(&config.content)),
        ("templates folder", root.join("templates")),
        ("static folder", root.join("static")),
        ("build cache", root.join(build_cache::CACHE_FOLDER)),
    ]
}

/// The build cache, opened under its lock (held until the returned lock is dropped); when
/// another build holds it, or it cannot be used, a warning and no cache.
fn open_locked_cache(
    options: &BuildOptions,
    files: &DiskFiles,
    config: &Config,
    output: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Option<OpenedCache>, Option<write::lock::LockFile>) {
    match build_cache::lock(&options.root) {
        Ok(lock) => (
            Some(open_build_cache(options, files, config, output)),
            Some(lock),
        ),
        Err(problem) => {
            diagnostics.push(
                Diagnostic::warning(Code::BuildCache, build_cache::CACHE_FOLDER, problem)
                    .help("this build renders every page and does not update the cache"),
            );
            (None, None)
        }
    }
}

/// The build cache as this build opens it.
struct OpenedCache {
    /// The hash of this build's inputs.
    inputs: u64,
    /// The last build's summary, when nothing changed since and its output is whole.
    unchanged: Option<build_cache::BuildSummary>,
    /// The last build's pages (empty when there was no usable cache).
    previous: HashMap<String, build_cache::Remembered>,
    /// Why the cache could not be used, if it was there but unreadable.
    warning: Option<Diagnostic>,
}

fn open_build_cache(
    options: &BuildOptions,
    files: &DiskFiles,
    config: &Config,
    output: &Path,
) -> OpenedCache {
    let inputs = inputs_key(files, config, options, output);
    let (loaded, problem) = build_cache::load(&build_cache::pages_path(&options.root));
    let warning = problem.map(|problem| {
        Diagnostic::warning(
            Code::BuildCache,
            build_cache::CACHE_FOLDER,
            format!("build cache unreadable, rebuilding: {problem}"),
        )
        .help(
            "the cache is only an accelerator: it is rebuilt, and `.lode-cache/` is safe to delete",
        )
    });
    let (summary, previous) = loaded.unwrap_or_default();
    let unchanged = (summary.inputs == inputs
        && !previous.is_empty()
        && every_output_is_there(output, &previous))
    .then_some(summary);
    OpenedCache {
        inputs,
        unchanged,
        previous,
        warning,
    }
}

/// Whether every remembered output is in `output` with its remembered length (a file deleted
/// or rewritten to another length there makes the next build a real one).
fn every_output_is_there(output: &Path, pages: &HashMap<String, build_cache::Remembered>) -> bool {
    use rayon::prelude::*;
    pages.par_iter().all(|(file, (_, remembered))| {
        let (length, _) = remembered.to_digest();
        std::fs::metadata(output.join(file))
            .is_ok_and(|metadata| metadata.is_file() && metadata.len() == length)
    })
}

/// The hash of everything a build reads: lode's version, the options, `lode.yaml` (as
/// loaded), and the path and bytes of every content file, template and static file. A file
/// that cannot be read makes the key unique, so the build runs and reports it.
fn inputs_key(files: &DiskFiles, config: &Config, options: &BuildOptions, output: &Path) -> u64 {
    use rayon::prelude::*;
    let discovered = files.discover(&config.content);
    let file_hashes: Vec<u64> = discovered
        .files
        .par_iter()
        .map(|found| match files.read_source(found) {
            Ok(source) => {
                let mut hasher = xxhash_rust::xxh3::Xxh3::new();
                hasher.update(source.path.as_bytes());
                hasher.update(&[0]);
                hasher.update(source.text.as_bytes());
                hasher.digest()
            }
            Err(_) => rand_like_unique(),
        })
        .collect();
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut add = |bytes: &[u8]| {
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    add(env!("CARGO_PKG_VERSION").as_bytes());
    add(format!("{config:?}").as_bytes());
    add(&[u8::from(options.drafts)]);
    add(output.to_string_lossy().as_bytes());
    add(&(discovered.diagnostics.len() as u64).to_le_bytes());
    for hash in file_hashes {
        add(&hash.to_le_bytes());
    }
    for file in discovered.templates.iter().chain(&discovered.static_files) {
        add(file.path.as_bytes());
        add(&file.bytes);
    }
    hasher.digest()
}

/// A key no earlier build can have had (the current time in nanoseconds, hashed).
fn rand_like_unique() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    xxhash_rust::xxh3::xxh3_64(&now.to_le_bytes())
}

/// What every page depends on besides its own context: the Tera globals, the built-in and
/// the knowledge base's templates (and lode's version, mixed in by
/// [`build_cache::site_fingerprint`]).
pub fn site_fingerprint(analysis: &Analysis, files: &dyn BodySource) -> u64 {
    let input = analysis.render_input(files);
    let globals = render::templates::globals_for_fingerprint(&input);
    let mut parts: Vec<&[u8]> = vec![&globals];
    for (path, bytes) in render::templates::built_in_templates() {
        parts.push(path.as_bytes());
        parts.push(bytes);
    }
    for file in analysis.discovered.templates.iter() {
        parts.push(file.path.as_bytes());
        parts.push(&file.bytes);
    }
    build_cache::site_fingerprint(parts)
}

/// A built site in memory: every file's bytes by path (`countries/russia/index.html`).
pub type SiteFiles = BTreeMap<String, build_cache::Bytes>;

/// `lode serve`'s build: everything `build` checks and renders, into memory instead of the
/// output folder (nothing is written, so no output folder is needed). The files, by path, come
/// back only when the build has no errors: a server keeps its last good site otherwise.
pub fn build_into_memory(
    options: &BuildOptions,
) -> Result<(Outcome, Option<SiteFiles>), SetupError> {
    check_root(&options.root)?;
    build_files_into_memory(&DiskFiles::new(&options.root), options)
}

/// [`build_into_memory`] on `files` (the disk, or memory): a clean build, remembering nothing.
pub fn build_files_into_memory(
    files: &dyn KnowledgeBaseFiles,
    options: &BuildOptions,
) -> Result<(Outcome, Option<SiteFiles>), SetupError> {
    let config = load_config(files, options)?;
    let mut outcome = Outcome::default();
    let analysis = analyse_counted(files, options, config, &mut outcome);
    let mut site = None;
    if !outcome.has_errors() {
        let sink = MemorySink::default();
        render_timed(&analysis.render_input(files), &sink, &mut outcome);
        if !outcome.has_errors() {
            let files = sink.into_files().into_iter();
            site = Some(files.map(|(path, bytes)| (path, bytes.into())).collect());
        }
    }
    sort_diagnostics(&mut outcome.diagnostics);
    Ok((outcome, site))
}

/// Loads the templates and renders every page of `input` into `sink`, timing each step and
/// collecting its diagnostics in `outcome`.
pub(crate) fn render_timed(input: &RenderInput, sink: &dyn PageSink, outcome: &mut Outcome) {
    match outcome
        .timings
        .time("templates", || render::templates::load(input))
    {
        Ok(tera) => {
            let entry_diagnostics = outcome.timings.time("render entries", || {
                render::render_entry_pages(input, &tera, sink)
            });
            outcome.diagnostics.extend(entry_diagnostics);
            let list_diagnostics = outcome.timings.time("render lists", || {
                render::render_list_pages(input, &tera, sink)
            });
            outcome.diagnostics.extend(list_diagnostics);
        }
        Err(template_diagnostics) => outcome.diagnostics.extend(template_diagnostics),
    }
}

/// [`render_timed`] for the pages of the entries at `pages` only (an incremental build that
/// knows no other output can have changed; see [`crate::incremental`]).
pub(crate) fn render_entry_pages_timed(
    input: &RenderInput,
    sink: &dyn PageSink,
    pages: &[usize],
    outcome: &mut Outcome,
) {
    match outcome
        .timings
        .time("templates", || render::templates::load(input))
    {
        Ok(tera) => {
            let diagnostics = outcome.timings.time("render changed bodies", || {
                render::render_some_entry_pages(input, &tera, sink, pages)
            });
            outcome.diagnostics.extend(diagnostics);
        }
        Err(template_diagnostics) => outcome.diagnostics.extend(template_diagnostics),
    }
}

/// The output folder: `--output`, else the configured one, relative to the root.
pub fn resolve_output(options: &BuildOptions, config: &Config) -> PathBuf {
    match &options.output {
        Some(output) => output.clone(),
        None => {
            let configured = Path::new(&config.output);
            if configured.is_absolute() {
                configured.to_path_buf()
            } else {
                options.root.join(configured)
            }
        }
    }
}

struct StagingSink<'a>(&'a write::Staging<'a>);

impl PageSink for StagingSink<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), String> {
        self.0.put(path, bytes).map_err(|error| error.to_string())
    }

    fn keep_existing(&self, path: &str, length: u64, hash: u64) -> Result<bool, String> {
        self.0
            .keep_existing(path, length, hash)
            .map_err(|error| error.to_string())
    }
}

/// A sink that keeps pages in memory (for tests and tools).
#[derive(Debug, Default)]
pub struct MemorySink {
    /// Files by path.
    pub files: std::sync::Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    /// The files put so far, by path (a poisoned lock still holds every file put before).
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl PageSink for MemorySink {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), String> {
        let previous = self
            .files
            .lock()
            .map_err(|_| "memory sink poisoned".to_string())?
            .insert(path.to_string(), bytes.to_vec());
        match previous {
            // Like the staging folder: two pages at one address is an error, never a race.
            Some(_) => Err(write::WriteError::WrittenTwice(path.to_string()).to_string()),
            None => Ok(()),
        }
    }
}
