//! `rebuild_timings KB FILE [TAKES]` — the incremental engine's stage timings on the knowledge base at
//! `KB`: a first build, then `TAKES` rebuilds (default 3), each after appending a line to `FILE`'s
//! body (restored after). Many takes make a profile of the rebuilds outweigh the first build.
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
    for take in 0..takes {
        std::fs::write(&file, format!("{original}\nEdited, take {take}.\n")).expect("writes");
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
