//! The marker files: `.lode-output` says a folder is a site lode wrote and lists every file
//! lode wrote there (its manifest); `.lode-staging` says a folder is a build lode has not
//! finished.
//!
//! The manifest is what lets lode leave alone the files it did not write (`.git`, `CNAME`,
//! `.nojekyll`): a file of the output folder not listed is the user's. It lives in the output
//! folder itself, so it is swapped in with the site it describes, never out of step with it.

use std::collections::BTreeSet;

/// The file that marks an output folder as made by lode, and lists the files lode wrote in it.
pub const MARKER_FILE: &str = ".lode-output";

/// The file that marks a staging folder: a build in progress (or killed), all of whose files
/// lode made.
pub const STAGING_MARKER_FILE: &str = ".lode-staging";

/// The marker's first line, for a person who opens it.
const EXPLANATION: &str = "This folder is written by lode. `lode build` replaces or removes the files listed below and leaves every other file alone.";

/// The second line of a marker that has a manifest; a marker without it (an older lode's, or
/// an empty one made by hand to let lode build into a folder that has files) lists nothing.
const FORMAT_LINE: &str = "lode-manifest 1";

/// What a marker says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Manifest {
    /// The files lode wrote, relative to the folder with `/`.
    Files(BTreeSet<String>),
    /// The marker lists no files: written by an older lode, or by hand. Which files are lode's
    /// is unknown, so every file is kept unless this build writes one at the same path.
    Unknown,
}

impl Manifest {
    /// Whether lode wrote `relative`, as far as the marker says.
    pub fn lists(&self, relative: &str) -> bool {
        match self {
            Manifest::Files(files) => files.contains(relative),
            Manifest::Unknown => false,
        }
    }
}

/// The text of a marker listing `files`.
pub fn marker_text<'a>(files: impl IntoIterator<Item = &'a String>) -> String {
    let mut text = format!("{EXPLANATION}\n{FORMAT_LINE}\n");
    for file in files {
        text.push_str(&escape(file));
        text.push('\n');
    }
    text
}

/// Reads a marker's text. Entries that are not plain relative paths inside the folder (`..`,
/// absolute, empty segments) are dropped: lode only ever removes what it can prove it wrote,
/// and a hand-edited marker cannot point it outside the folder.
pub fn parse_marker(text: &str) -> Manifest {
    let mut lines = text.lines();
    let _explanation = lines.next();
    if lines.next() != Some(FORMAT_LINE) {
        return Manifest::Unknown;
    }
    Manifest::Files(
        lines
            .map(unescape)
            .filter(|path| is_plain_relative_path(path))
            .collect(),
    )
}

/// A path with `/` separators, no empty, `.` or `..` segment and no backslash or NUL: one
/// that names a file inside the folder it is relative to, on every system.
pub fn is_plain_relative_path(path: &str) -> bool {
    !path.is_empty()
        && !path.contains(['\\', '\0'])
        && path
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
}

/// A path on one line: `\` and line breaks escaped.
fn escape(path: &str) -> String {
    path.replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut characters = line.chars();
    while let Some(character) = characters.next() {
        if character != '\\' {
            out.push(character);
            continue;
        }
        match characters.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_marker_without_a_manifest_lists_nothing() {
        assert_eq!(parse_marker(""), Manifest::Unknown);
        assert_eq!(
            parse_marker(
                "This folder is written by lode. `lode build` may replace or delete any file in it.\n"
            ),
            Manifest::Unknown
        );
    }

    #[test]
    fn paths_leaving_the_folder_are_never_listed() {
        let text = format!("x\n{FORMAT_LINE}\nindex.html\n../lode.yaml\n/etc/passwd\na//b\n./c\n");
        let Manifest::Files(files) = parse_marker(&text) else {
            panic!("a manifest");
        };
        assert_eq!(files.into_iter().collect::<Vec<_>>(), ["index.html"]);
    }

    proptest! {
        #[test]
        fn every_plain_path_reads_back_as_written(
            paths in proptest::collection::btree_set("[a-z\n\r\\\\. é]{1,3}(/[a-z\n\r. ]{1,3}){0,2}", 0..8)
        ) {
            let plain: BTreeSet<String> =
                paths.into_iter().filter(|path| is_plain_relative_path(path)).collect();
            prop_assert_eq!(parse_marker(&marker_text(&plain)), Manifest::Files(plain.clone()));
        }
    }
}
