//! Embeds the built-in theme (`templates/` and `static/`) into the binary, so `lode init` and a
//! knowledge base without a theme of its own work from the binary alone.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let mut code = String::from("/// The built-in theme: (path, bytes), sorted by path.\n");
    for folder in ["templates", "static"] {
        println!("cargo:rerun-if-changed={folder}");
        let mut files: Vec<String> = Vec::new();
        collect(Path::new(folder), Path::new(folder), &mut files);
        files.sort();
        let constant = folder.to_uppercase();
        writeln!(
            code,
            "pub static BUILT_IN_{constant}: &[(&str, &[u8])] = &["
        )
        .unwrap();
        for relative in files {
            let absolute = Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap())
                .join(folder)
                .join(&relative);
            writeln!(
                code,
                "    ({relative:?}, include_bytes!({:?})),",
                absolute.display().to_string()
            )
            .unwrap();
        }
        code.push_str("];\n");
    }
    std::fs::write(Path::new(&out_dir).join("theme.rs"), code).expect("OUT_DIR is writable");
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(base, &path, files);
        } else if let Ok(relative) = path.strip_prefix(base) {
            let name = relative.to_string_lossy().replace('\\', "/");
            if !name.starts_with('.') && !name.contains("/.") {
                files.push(name);
            }
        }
    }
}
