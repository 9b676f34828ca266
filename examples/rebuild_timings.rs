//! `rebuild_timings KB FILE [TAKES] [body|title]` — the incremental engine's stage timings on
//! the knowledge base at `KB`: a first build, then `TAKES` rebuilds (default 3), each after an
//! edit of `FILE` (restored after): a line appended to its body, or with `title` a new title
//! (the old one kept as an alias, so links by title still resolve). Many takes make a profile
//! of the rebuilds outweigh the first build.
use lode::discover::HeldDiskFiles;
use lode::incremental::Engine;
use lode::site::BuildOptions;
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = PathBuf::from(&args[1]);
    let file = root.join(&args[2]);
    let options = BuildOptions {
        root: root.clone(),
        ..BuildOptions::default()
    };
    let mut files = HeldDiskFiles::new(&root);
    let mut engine = Engine::new();
    let start = std::time::Instant::now();
    let first = engine.build(&files, &options).expect("builds");
    println!(
        "first build {:?}, {} pages\n{}",
        start.elapsed(),
        first.pages_rendered,
        first.outcome.timings.report()
    );
    let original = std::fs::read_to_string(&file).expect("the file");
    let takes: usize = args.get(3).and_then(|text| text.parse().ok()).unwrap_or(3);
    let title_edits = args.get(4).is_some_and(|mode| mode == "title");
    for take in 0..takes {
        let edited = if title_edits {
            retitled(&original, take)
        } else {
            format!("{original}\nEdited, take {take}.\n")
        };
        std::fs::write(&file, edited).expect("writes");
        files.forget(std::slice::from_ref(&file));
        let start = std::time::Instant::now();
        let build = engine.build(&files, &options).expect("builds");
        println!(
            "rebuild {:?}, {} pages\n{}",
            start.elapsed(),
            build.pages_rendered,
            build.outcome.timings.report()
        );
    }
    std::fs::write(&file, original).expect("restores");
}

/// `text` with ` (take N)` after its title, and the old title as an alias (the generated
/// knowledge bases have at most one `aliases: [...]` line).
fn retitled(text: &str, take: usize) -> String {
    let mut out = String::new();
    let mut old_title = None;
    for line in text.lines() {
        match line.strip_prefix("title: ") {
            Some(title) if old_title.is_none() => {
                old_title = Some(title.to_string());
                out.push_str(&format!("{line} (take {take})\n"));
                if !text.contains("\naliases: [") {
                    out.push_str(&format!("aliases: [{title}]\n"));
                }
            }
            _ => match (line.strip_prefix("aliases: ["), &old_title) {
                (Some(rest), Some(title)) => out.push_str(&format!("aliases: [{title}, {rest}\n")),
                _ => {
                    out.push_str(line);
                    out.push('\n');
                }
            },
        }
    }
    out
}
