//! `synth` — a deterministic generator of synthetic knowledge bases, for benchmarking `lode`
//! (and Hugo, on the same pages).
//!
//! ```text
//! cargo run --release --example synth -- --entries N --seed S --out DIR [--hugo DIR2] [--force]
//! ```
//!
//! It writes a lode knowledge base in `DIR`: `lode.yaml`, `content/_index.md`, the eight kinds of
//! Rare Earth Atlas with their schemas copied verbatim from this repository's
//! `content/<section>/_index.md` (embedded with `include_str!`, so they cannot drift), `N`
//! entries spread across the kinds, and a few comparison pages. Every file is meant to be valid
//! under the schemas: ids are `[a-z0-9-]+` and unique, titles are unique, references point to
//! entries of the right kind, and `[[id#heading]]` links point to headings that exist.
//!
//! With `--hugo DIR2` it also writes the same pages as a Hugo site, with the wikilinks rewritten as
//! ordinary markdown links and minimal layouts, so both tools render the same text.
//!
//! The output depends only on `--entries` and `--seed`: the random numbers come from a
//! SplitMix64 generator seeded per entry, so the files are identical whatever the number of
//! threads. Entries are generated and written one at a time by a few worker threads; only the
//! ids and titles of all entries are kept in memory, so 100,000 entries (about 1 GB of markdown)
//! need little memory.
//!
//! Only the standard library is used, so the file also compiles on its own with
//! `rustc --edition 2024 -O examples/synth.rs` when the library crate does not build.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

/// Command-line help.
const USAGE: &str = "\
usage: synth --entries N --seed S --out DIR [--hugo DIR2] [--threads T] [--force]

  --entries N   number of entries to generate (at least 8), spread across the eight kinds
  --seed S      seed of the pseudo-random generator (default 1); same N and S, same files
  --out DIR     where to write the lode knowledge base (lode.yaml + content/)
  --hugo DIR2   also write the same pages as a Hugo site (config.yaml + content/ + layouts/)
  --threads T   worker threads (default: available parallelism); does not change the output
  --force       write into non-empty directories, removing their content/ (and layouts/) first";

/// Schemas of the kinds, copied from the repository's own knowledge base.
const SCHEMA_COUNTRIES: &str = include_str!("../content/countries/_index.md");
/// See [`SCHEMA_COUNTRIES`].
const SCHEMA_MINERALS: &str = include_str!("../content/minerals/_index.md");
/// See [`SCHEMA_COUNTRIES`].
const SCHEMA_COMPANIES: &str = include_str!("../content/companies/_index.md");
/// See [`SCHEMA_COUNTRIES`].
const SCHEMA_ORGANISATIONS: &str = include_str!("../content/organisations/_index.md");
/// See [`SCHEMA_COUNTRIES`].
const SCHEMA_PROPOSALS: &str = include_str!("../content/proposals/_index.md");
/// See [`SCHEMA_COUNTRIES`].
const SCHEMA_PEOPLE: &str = include_str!("../content/people/_index.md");
/// See [`SCHEMA_COUNTRIES`].
const SCHEMA_EVENTS: &str = include_str!("../content/events/_index.md");
/// See [`SCHEMA_COUNTRIES`].
const SCHEMA_SOURCES: &str = include_str!("../content/sources/_index.md");

// ---------------------------------------------------------------------------------------------
// Pseudo-random numbers
// ---------------------------------------------------------------------------------------------

/// The SplitMix64 output function: a good 64-bit mixer.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Independent random streams of one entry.
#[derive(Clone, Copy)]
enum Stream {
    /// The heading structure of a body (also recomputed by pages that link to a heading).
    Headings = 1,
    /// Front matter and body.
    Content = 2,
}

/// A SplitMix64 pseudo-random generator: small, fast and fully deterministic.
struct Rng(u64);

impl Rng {
    /// A generator for the whole run.
    fn new(seed: u64) -> Self {
        Rng(mix(seed ^ 0x005E_ED0F_10DE))
    }

    /// A generator for one entry and purpose, independent of the order entries are generated in.
    fn for_entry(seed: u64, idx: usize, stream: Stream) -> Self {
        Rng(mix(seed ^ mix((idx as u64) << 8 | stream as u64)))
    }

    /// The next 64 random bits.
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// A float in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of a non-empty slice.
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// One string of a non-empty list.
    fn word<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }

    /// A number between `lo` and `hi`, uniform on a log scale (figures span magnitudes).
    fn log_uniform(&mut self, lo: f64, hi: f64) -> f64 {
        (lo.ln() + self.unit() * (hi.ln() - lo.ln())).exp()
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

/// Words of the pseudo-English prose; common words repeat to get a plausible frequency.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "the", "the", "the", "the", "the", "of", "of", "of", "and", "and", "and", "to", "to", "in",
    "in", "a", "a", "is", "for", "that", "on", "with", "as", "by", "from", "at", "its", "their",
    "was", "were", "has", "had", "have", "this", "which", "but", "not", "more", "than", "most",
    "over", "after", "under", "between", "while", "since", "into", "across", "against", "would",
    "could", "should", "supply", "supplies", "demand", "export", "exports", "import", "imports",
    "quota", "quotas", "licence", "licences", "tariff", "tariffs", "market", "markets", "price",
    "prices", "output", "production", "processing", "refining", "refinery", "separation",
    "concentrate", "oxide", "oxides", "magnet", "magnets", "permanent", "deposit", "deposits",
    "mine", "mines", "mining", "project", "projects", "capacity", "plant", "plants", "smelter",
    "feedstock", "tonnage", "grade", "resource", "resources", "reserve", "reserves", "estimate",
    "estimates", "figure", "figures", "ministry", "government", "governments", "agreement",
    "agreements", "memorandum", "partnership", "investment", "investors", "financing", "loan",
    "loans", "equity", "stake", "offtake", "contract", "contracts", "buyer", "buyers", "seller",
    "pipeline", "stockpile", "stockpiles", "strategic", "critical", "heavy", "light", "rare",
    "earth", "elements", "element", "mineral", "minerals", "metal", "metals", "battery",
    "batteries", "vehicle", "vehicles", "turbine", "turbines", "defence", "security", "policy",
    "policies", "control", "controls", "sanction", "sanctions", "restriction", "restrictions",
    "regime", "regional", "global", "domestic", "foreign", "national", "federal", "state",
    "private", "public", "official", "officials", "analyst", "analysts", "report", "reports",
    "reported", "announced", "proposed", "signed", "approved", "delayed", "suspended", "expanded",
    "reduced", "increased", "doubled", "halved", "expected", "planned", "estimated", "disputed",
    "confirmed", "denied", "argued", "warned", "noted", "claimed", "suggested", "remained",
    "became", "began", "reached", "fell", "rose", "stood", "held", "moved", "shifted", "agreed",
    "chain", "chains", "route", "routes", "port", "ports", "railway", "corridor", "border",
    "region", "regions", "province", "district", "basin", "coast", "island", "plateau", "north",
    "south", "eastern", "western", "central", "northern", "southern", "new", "old", "large",
    "small", "major", "minor", "early", "late", "recent", "annual", "quarterly", "monthly", "first",
    "second", "third", "final", "initial", "further", "several", "many", "few", "some", "each",
    "every", "both", "either", "other", "another", "same", "different", "similar", "significant",
    "modest", "sharp", "steady", "gradual", "uncertain", "likely", "unlikely", "environmental",
    "community", "communities", "water", "tailings", "waste", "permit", "permits", "review",
    "hearing", "court", "ruling", "law", "laws", "decree", "bill", "parliament", "committee",
    "council", "summit", "talks", "visit", "delegation", "envoy", "minister", "president", "chief",
    "executive", "board", "shareholders", "company", "companies", "firm", "firms", "producer",
    "producers", "consumer", "consumers", "industry", "industries", "technology", "research",
    "recycling", "substitution", "innovation", "cost", "costs", "margin", "margins", "revenue",
    "revenues", "value", "volume", "volumes", "share", "shares", "dependence", "diversification",
    "leverage", "risk", "risks", "shortage", "shortages", "surplus", "balance", "trend", "trends",
    "outlook", "forecast", "scenario", "decade", "year", "years", "month", "months", "week",
    "quarter", "period", "phase", "stage", "level", "levels", "rate", "rates", "growth", "decline",
    "recovery", "shock", "floor", "ceiling", "benchmark", "index", "contract", "spot", "term",
    "long", "short", "direct", "indirect", "joint", "venture", "ventures", "consortium", "alliance",
    "bloc", "partners", "neighbours", "rivals", "allies", "negotiators", "observers", "critics",
    "supporters", "labour", "workers", "skills", "training", "infrastructure", "power", "grid",
    "energy", "electricity", "fuel", "chemical", "chemicals", "reagent", "reagents", "acid",
    "solvent", "extraction", "leaching", "flotation", "roasting", "calcination", "purity",
    "quality", "specification", "standard", "standards", "certification", "traceability", "audit",
];

/// Adjectives for sub-headings.
#[rustfmt::skip]
const ADJECTIVES: &[&str] = &[
    "regional", "domestic", "foreign", "strategic", "annual", "recent", "early", "planned",
    "disputed", "official", "independent", "upstream", "downstream", "legal", "fiscal", "technical",
    "environmental", "commercial", "political", "historical", "industrial", "military", "financial",
    "logistical", "contractual", "diplomatic", "local", "northern", "southern", "coastal", "inland",
    "projected", "reported", "secondary", "primary",
];

/// Nouns for sub-headings and list item leads.
#[rustfmt::skip]
const NOUNS: &[&str] = &[
    "output", "capacity", "demand", "pricing", "financing", "ownership", "permits", "tailings",
    "logistics", "offtake", "quotas", "tariffs", "licensing", "stockpiles", "reserves",
    "exploration", "separation", "refining", "recycling", "substitution", "procurement",
    "investment", "partnerships", "negotiations", "obstacles", "risks", "costs", "workforce",
    "infrastructure", "standards", "traceability", "concentrate", "feedstock", "contracts",
    "guarantees", "subsidies", "royalties", "disputes", "approvals", "audits",
];

/// Titles of `##` sections; a body picks a few distinct ones.
#[rustfmt::skip]
const SECTION_HEADINGS: &[&str] = &[
    "Background", "Overview", "Reserves and resources", "Production history",
    "Processing and refining", "Export controls", "Trade flows", "Prices and margins", "Financing",
    "Ownership structure", "Key projects", "Partnership terms", "Legal obstacles",
    "Political context", "Environmental concerns", "Supply chain risks", "Recent developments",
    "Outlook", "Market impact", "Technology", "Strategic stockpiles", "Negotiating positions",
    "Timeline of talks", "Disputed figures", "Infrastructure", "Labour and communities",
    "Security of supply", "Investment climate", "Regulation", "Strategy", "Reactions abroad",
    "Assessment", "Historical context", "Logistics", "Competition", "Demand drivers",
    "Research and development", "Recycling prospects", "Governance", "Open questions",
];

/// Tags, all lowercase.
#[rustfmt::skip]
const TAGS: &[&str] = &[
    "sanctions", "export-controls", "magnets", "processing", "mining", "refining", "recycling",
    "defence", "batteries", "price-floor", "stockpiling", "offtake", "tariffs", "heavy-rare-earths",
    "light-rare-earths", "supply-chain", "arctic", "africa", "indo-pacific", "electric-vehicles",
    "wind-power", "semiconductors", "critical-minerals", "investment", "trade-deal", "environment",
];

/// Syllables of invented place and company names.
#[rustfmt::skip]
const SYLLABLES: &[&str] = &[
    "ka", "lo", "ra", "vi", "ne", "to", "mar", "sel", "dor", "an", "bri", "cas", "tel", "ven", "mo",
    "ri", "sa", "zan", "kel", "lin", "or", "ba", "fen", "gar", "hol", "ist", "jor", "lu", "mer",
    "nor", "pa", "quil", "ros", "sul", "tam", "ur", "val", "wes", "yor", "zel",
];

/// Endings of invented country names.
const COUNTRY_ENDINGS: &[&str] = &["ia", "a", "land", "stan", "o", "ar", "esh", "ora", "ina"];

/// Regions of the world.
#[rustfmt::skip]
const REGIONS: &[&str] = &[
    "Asia", "Europe", "Africa", "North America", "South America", "Oceania", "Central Asia",
    "Middle East", "Southeast Asia", "Arctic",
];

/// Real countries first, so small knowledge bases look familiar: (name, ISO code, region, alias).
const REAL_COUNTRIES: &[(&str, &str, &str, &str)] = &[
    ("China", "CN", "Asia", ""),
    ("Russia", "RU", "Europe", "Russian Federation"),
    ("United States", "US", "North America", "USA"),
    ("Australia", "AU", "Oceania", ""),
    ("Myanmar", "MM", "Southeast Asia", "Burma"),
    ("Brazil", "BR", "South America", ""),
    ("Vietnam", "VN", "Southeast Asia", "Viet Nam"),
    ("India", "IN", "Asia", ""),
    ("Canada", "CA", "North America", ""),
    ("Greenland", "GL", "Arctic", ""),
    ("Kazakhstan", "KZ", "Central Asia", ""),
    ("Malaysia", "MY", "Southeast Asia", ""),
    ("South Africa", "ZA", "Africa", ""),
    ("Tanzania", "TZ", "Africa", ""),
    ("Madagascar", "MG", "Africa", ""),
    ("Ukraine", "UA", "Europe", ""),
    ("Japan", "JP", "Asia", ""),
    ("Germany", "DE", "Europe", ""),
    ("France", "FR", "Europe", ""),
    ("Chile", "CL", "South America", ""),
    ("Saudi Arabia", "SA", "Middle East", ""),
    ("Indonesia", "ID", "Southeast Asia", ""),
    ("Democratic Republic of the Congo", "CD", "Africa", "DRC"),
    ("Mongolia", "MN", "Asia", ""),
    ("Norway", "NO", "Europe", ""),
    ("Sweden", "SE", "Europe", ""),
    ("South Korea", "KR", "Asia", "Republic of Korea"),
    ("Philippines", "PH", "Southeast Asia", ""),
    ("Argentina", "AR", "South America", ""),
    ("Bolivia", "BO", "South America", ""),
    ("Burundi", "BI", "Africa", ""),
    ("Uganda", "UG", "Africa", ""),
    ("Malawi", "MW", "Africa", ""),
    ("Namibia", "NA", "Africa", ""),
    ("Kyrgyzstan", "KG", "Central Asia", ""),
    ("Uzbekistan", "UZ", "Central Asia", ""),
    ("Turkey", "TR", "Middle East", "Türkiye"),
    ("Estonia", "EE", "Europe", ""),
    ("United Kingdom", "GB", "Europe", "UK"),
    ("Thailand", "TH", "Southeast Asia", ""),
];

/// The mineral groups of the schema's `group` enum.
const GROUPS: &[&str] = &[
    "light rare earth",
    "heavy rare earth",
    "rare-earth group",
    "critical mineral",
    "base metal",
    "precious metal",
    "battery metal",
];

/// Real minerals first: (name, symbol, atomic number, index into [`GROUPS`]).
const REAL_MINERALS: &[(&str, &str, u32, usize)] = &[
    ("Neodymium", "Nd", 60, 0),
    ("Praseodymium", "Pr", 59, 0),
    ("Dysprosium", "Dy", 66, 1),
    ("Terbium", "Tb", 65, 1),
    ("Lanthanum", "La", 57, 0),
    ("Cerium", "Ce", 58, 0),
    ("Samarium", "Sm", 62, 0),
    ("Europium", "Eu", 63, 1),
    ("Gadolinium", "Gd", 64, 1),
    ("Yttrium", "Y", 39, 1),
    ("Holmium", "Ho", 67, 1),
    ("Erbium", "Er", 68, 1),
    ("Lutetium", "Lu", 71, 1),
    ("Scandium", "Sc", 21, 3),
    ("Bastnäsite", "", 0, 2),
    ("Monazite", "", 0, 2),
    ("Xenotime", "", 0, 2),
    ("Lithium", "Li", 3, 6),
    ("Cobalt", "Co", 27, 6),
    ("Nickel", "Ni", 28, 6),
    ("Graphite", "", 0, 6),
    ("Manganese", "Mn", 25, 6),
    ("Gallium", "Ga", 31, 3),
    ("Germanium", "Ge", 32, 3),
    ("Antimony", "Sb", 51, 3),
    ("Tungsten", "W", 74, 3),
    ("Titanium", "Ti", 22, 3),
    ("Vanadium", "V", 23, 3),
    ("Niobium", "Nb", 41, 3),
    ("Tantalum", "Ta", 73, 3),
    ("Beryllium", "Be", 4, 3),
    ("Uranium", "U", 92, 3),
    ("Copper", "Cu", 29, 4),
    ("Aluminium", "Al", 13, 4),
    ("Zinc", "Zn", 30, 4),
    ("Tin", "Sn", 50, 4),
    ("Platinum", "Pt", 78, 5),
    ("Palladium", "Pd", 46, 5),
    ("Gold", "Au", 79, 5),
    ("Silver", "Ag", 47, 5),
];

/// Uses of minerals.
#[rustfmt::skip]
const USES: &[&str] = &[
    "permanent magnets", "catalysts", "phosphors", "polishing powders", "glass additives",
    "battery cathodes", "battery anodes", "alloys", "lasers", "nuclear control rods",
    "semiconductors", "fibre optics", "jet engines", "guidance systems", "wind turbines",
    "electric motors", "ceramics", "capacitors", "solar panels", "medical imaging",
];

/// Endings of company names.
#[rustfmt::skip]
const COMPANY_ENDINGS: &[&str] = &[
    "Rare Earths", "Resources", "Mining", "Metals", "Magnetics", "Materials", "Minerals Group",
    "Critical Metals", "Refining", "Holdings", "Exploration", "Advanced Materials",
];

/// Stock exchanges for the `listing` field.
#[rustfmt::skip]
const EXCHANGES: &[&str] = &[
    "ASX", "TSX", "NYSE", "NASDAQ", "LSE", "SSE", "HKEX", "TSE", "JSE",
];

/// Organisation patterns: (title template with `{}` for a country, schema `type`).
const ORG_PATTERNS: &[(&str, &str)] = &[
    ("{} Ministry of Natural Resources", "ministry"),
    ("{} Ministry of Industry and Trade", "ministry"),
    ("{} Ministry of Mines", "ministry"),
    ("{} Geological Survey", "agency"),
    ("{} Export Control Bureau", "agency"),
    ("{} Defence Logistics Agency", "military"),
    ("{} Parliamentary Committee on Resources", "legislature"),
    ("{} Institute of Rare-Earth Research", "research body"),
    ("{} Development Finance Agency", "agency"),
    ("{} Critical Minerals Forum", "international body"),
];

/// First names of people.
#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    "Anna", "Boris", "Chen", "Daniel", "Elena", "Fatima", "Gustavo", "Hiroshi", "Ingrid", "Jamal",
    "Katarzyna", "Li", "Marco", "Nadia", "Olumide", "Priya", "Quentin", "Rosa", "Sergei",
    "Thandiwe", "Umar", "Valentina", "Wei", "Ximena", "Yuki", "Zanele", "Ahmed", "Beatriz",
    "Carlos", "Dmitri", "Emma", "Farid", "Grace", "Hannah", "Ivan", "Julia", "Kofi", "Lucia",
    "Mikhail", "Naledi", "Oskar", "Paula", "Ravi", "Sofia", "Tomasz", "Ursula", "Viktor", "Wanjiru",
    "Yasmin", "Zhou",
];

/// Last names of people.
#[rustfmt::skip]
const LAST_NAMES: &[&str] = &[
    "Petrova", "Ivanov", "Zhang", "Smith", "Okafor", "Nakamura", "Silva", "Müller", "Dubois",
    "Kowalski", "Haddad", "Mensah", "Nguyen", "Kim", "Santos", "Andersson", "Novak", "Rossi",
    "Garcia", "Tanaka", "Wang", "Liu", "Khan", "Patel", "Sato", "Popescu", "Horvat", "Jensen",
    "Larsen", "Moreau", "Fischer", "Schneider", "Kuznetsov", "Sokolova", "Abubakar", "Mbeki",
    "Dlamini", "Ochieng", "Nair", "Rao", "Suzuki", "Yamamoto", "Fernandes", "Costa", "Herrera",
    "Lopez", "Morales", "Vargas", "Reyes", "Castro", "Ortiz", "Brown", "Taylor", "Wilson", "Clarke",
    "Evans", "Hughes", "O'Brien", "Murphy", "Walsh",
];

/// Roles of people (the schema's required `role`).
const ROLES: &[&str] = &[
    "Minister of Natural Resources",
    "Minister of Industry and Trade",
    "Chief executive",
    "Chief financial officer",
    "Trade representative",
    "Special envoy for critical minerals",
    "Head of the geological survey",
    "Senior analyst",
    "Chair of the resources committee",
    "Ambassador",
    "Deputy prime minister",
    "Director of strategic reserves",
];

/// Publishers of sources: (name, schema `type`, short name for ids).
const PUBLISHERS: &[(&str, &str, &str)] = &[
    ("Reuters", "news", "reuters"),
    ("US Geological Survey", "official", "usgs"),
    ("Bloomberg", "news", "bloomberg"),
    ("Financial Times", "news", "ft"),
    ("Kremlin", "primary", "kremlin"),
    ("Xinhua", "news", "xinhua"),
    ("European Commission", "official", "ec"),
    ("Interfax", "news", "interfax"),
    ("Mining Weekly", "news", "mining-weekly"),
    ("Benchmark Mineral Intelligence", "market data", "benchmark"),
    ("Nikkei Asia", "news", "nikkei"),
    ("Adamas Intelligence", "analysis", "adamas"),
    ("Argus Media", "market data", "argus"),
    ("Fastmarkets", "market data", "fastmarkets"),
    ("The White House", "primary", "white-house"),
    ("Ministry of Commerce of China", "official", "mofcom"),
    ("Australian Government", "official", "australia-gov"),
    ("Asian Metal", "market data", "asian-metal"),
    ("Centre for Strategic Studies", "analysis", "css"),
    ("The Resource Observer", "commentary", "resource-observer"),
];

/// Headline patterns of sources; `{c}` a country, `{m}` a mineral.
const HEADLINES: &[&str] = &[
    "{c} weighs new limits on {m} exports",
    "{c} and partners discuss {m} supply",
    "{m} prices climb as {c} tightens quotas",
    "Mineral commodity summary for {m}",
    "{c} unveils critical minerals strategy",
    "Investors eye {m} deposits in {c}",
    "{c} signs framework on {m} processing",
    "Analysts question {c} figures for {m} reserves",
    "{c} lists {m} as a strategic resource",
    "Shipping of {m} concentrate from {c} resumes",
];

/// Proposal patterns; `{a}`, `{b}` countries, `{m}` a mineral, `{k}` a company, `{o}` an
/// organisation.
const PROPOSAL_PATTERNS: &[&str] = &[
    "{a}–{b} critical minerals partnership",
    "{a} {m} price floor",
    "{k} offtake agreement with {a}",
    "{a} {m} export ban",
    "{a}–{b} minerals-for-security deal",
    "{a} strategic {m} stockpile",
    "{o} critical raw materials plan",
    "{k} and {a} joint {m} refinery",
    "{a}–{b} {m} processing memorandum",
    "{a} rare-earth magnet subsidy scheme",
];

/// Event patterns; `{a}`, `{b}` countries, `{m}` a mineral, `{k}` a company, `{p}` a person,
/// `{q}` a proposal.
const EVENT_PATTERNS: &[&str] = &[
    "{a} announces export controls on {m}",
    "{k} opens {m} processing plant in {a}",
    "{p} visits {a}",
    "{a} and {b} sign {m} memorandum",
    "{m} price jumps after {a} quota cut",
    "{k} wins mining permit in {a}",
    "Talks on the {q} resume",
    "{p} meets {k} executives",
    "{a} suspends {m} shipments to {b}",
    "{k} raises capital for {m} project",
];

/// Places for the `location` field.
#[rustfmt::skip]
const PLACES: &[&str] = &[
    "Beijing", "Moscow", "Washington", "Canberra", "Brussels", "Tokyo", "Riyadh", "Ottawa",
    "Nairobi", "Jakarta", "Astana", "Ulaanbaatar", "Geneva", "Singapore", "Perth", "Baotou",
    "Ganzhou", "Johannesburg", "Santiago", "Kinshasa",
];

/// Obstacles for proposals.
const OBSTACLES: &[&str] = &[
    "sanctions law",
    "parliamentary approval",
    "environmental permits",
    "export licensing",
    "indigenous land claims",
    "financing gap",
    "technology transfer limits",
    "price volatility",
    "competition rules",
    "security review",
];

// ---------------------------------------------------------------------------------------------
// Kinds and the plan (ids and titles of every entry)
// ---------------------------------------------------------------------------------------------

/// The kinds of Rare Earth Atlas, in the order they are planned (later kinds name earlier ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `countries/`
    Country,
    /// `minerals/`
    Mineral,
    /// `sources/`
    Source,
    /// `organisations/`
    Organisation,
    /// `companies/`
    Company,
    /// `people/`
    Person,
    /// `proposals/`
    Proposal,
    /// `events/`
    Event,
}

impl Kind {
    /// Every kind, in planning order.
    const ALL: [Kind; 8] = [
        Kind::Country,
        Kind::Mineral,
        Kind::Source,
        Kind::Organisation,
        Kind::Company,
        Kind::Person,
        Kind::Proposal,
        Kind::Event,
    ];

    /// The folder under `content/` (also the Hugo section).
    fn section(self) -> &'static str {
        match self {
            Kind::Country => "countries",
            Kind::Mineral => "minerals",
            Kind::Source => "sources",
            Kind::Organisation => "organisations",
            Kind::Company => "companies",
            Kind::Person => "people",
            Kind::Proposal => "proposals",
            Kind::Event => "events",
        }
    }

    /// The kind's `_index.md`, verbatim from the repository.
    fn schema(self) -> &'static str {
        match self {
            Kind::Country => SCHEMA_COUNTRIES,
            Kind::Mineral => SCHEMA_MINERALS,
            Kind::Source => SCHEMA_SOURCES,
            Kind::Organisation => SCHEMA_ORGANISATIONS,
            Kind::Company => SCHEMA_COMPANIES,
            Kind::Person => SCHEMA_PEOPLE,
            Kind::Proposal => SCHEMA_PROPOSALS,
            Kind::Event => SCHEMA_EVENTS,
        }
    }

    /// Share of the entries, in percent (the eight add up to 100).
    fn percent(self) -> usize {
        match self {
            Kind::Country => 8,
            Kind::Mineral => 8,
            Kind::Source => 5,
            Kind::Organisation => 4,
            Kind::Company => 25,
            Kind::Person => 10,
            Kind::Proposal => 15,
            Kind::Event => 25,
        }
    }
}

/// One planned entry: what other entries need to know to link to it.
struct Entry {
    /// Its kind.
    kind: Kind,
    /// Its id (also the file stem).
    id: String,
    /// Its title, unique (case-insensitively) among titles, ids and aliases.
    title: String,
    /// An alternative name, or empty.
    alias: String,
    /// Entries named in the title (an event's country and mineral, …), referenced from fields.
    subjects: Vec<u32>,
    /// Kind-specific detail fixed at planning time (ISO code, mineral row, publisher, …).
    detail: u32,
    /// A source's publication date (empty for other kinds).
    date: String,
}

/// A comparison page.
struct Comparison {
    /// Its id.
    id: String,
    /// Its title.
    title: String,
    /// The `compare:` value, as flow YAML.
    compare: String,
}

/// Every entry's id and title, and the comparisons, decided before any file is written.
struct Plan {
    /// The seed of the run.
    seed: u64,
    /// All entries, in planning order (kind by kind).
    entries: Vec<Entry>,
    /// Indices into `entries`, per kind (indexed by `Kind as usize`).
    by_kind: Vec<Vec<u32>>,
    /// The comparison pages.
    comparisons: Vec<Comparison>,
}

impl Plan {
    /// The entries of one kind.
    fn of(&self, kind: Kind) -> &[u32] {
        &self.by_kind[kind as usize]
    }

    /// A random entry of one of `kinds`, never `exclude`.
    fn random_of(&self, rng: &mut Rng, kinds: &[Kind], exclude: usize) -> Option<usize> {
        let total: usize = kinds.iter().map(|k| self.of(*k).len()).sum();
        if total == 0 || (total == 1 && kinds.iter().any(|k| self.of(*k) == [exclude as u32])) {
            return None;
        }
        loop {
            let mut i = rng.below(total);
            for k in kinds {
                let list = self.of(*k);
                if i < list.len() {
                    if list[i] as usize != exclude {
                        return Some(list[i] as usize);
                    }
                    break;
                }
                i -= list.len();
            }
        }
    }

    /// Up to `n` distinct random entries of `kinds` (never `exclude`), after `first`.
    fn refs(
        &self,
        rng: &mut Rng,
        kinds: &[Kind],
        n: usize,
        exclude: usize,
        first: &[u32],
    ) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for &s in first {
            let s = s as usize;
            if s != exclude && kinds.contains(&self.entries[s].kind) && !out.contains(&s) {
                out.push(s);
            }
        }
        let available: usize = kinds.iter().map(|k| self.of(*k).len()).sum();
        let want = n.min(available.saturating_sub(1)).max(out.len());
        let mut tries = 0;
        while out.len() < want && tries < 100 {
            tries += 1;
            if let Some(t) = self.random_of(rng, kinds, exclude)
                && !out.contains(&t)
            {
                out.push(t);
            }
        }
        out
    }

    /// Flow-YAML list of the ids of `idx`.
    fn id_list(&self, idx: &[usize]) -> String {
        let ids: Vec<&str> = idx.iter().map(|&i| self.entries[i].id.as_str()).collect();
        format!("[{}]", ids.join(", "))
    }
}

/// Keeps ids, titles and aliases unique: every name is one key, compared case-insensitively.
struct Names(HashSet<String>);

impl Names {
    /// Reserves the id, title and alias of a new entry if none is taken; false otherwise.
    fn claim(&mut self, id: &str, title: &str, alias: &str) -> bool {
        let mut keys = vec![id.to_string(), title.to_lowercase()];
        if !alias.is_empty() {
            keys.push(alias.to_lowercase());
        }
        if id.is_empty() || keys.iter().any(|k| self.0.contains(k)) {
            return false;
        }
        self.0.extend(keys);
        true
    }
}

/// The id of a title: lowercase ASCII letters and digits joined by `-`, at most 60 bytes.
fn slugify(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for c in title.chars() {
        let c = match c {
            'ä' | 'á' | 'à' | 'â' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'É' => 'e',
            'ö' | 'ó' | 'ô' | 'Ö' => 'o',
            'ü' | 'ú' | 'Ü' => 'u',
            'í' | 'ï' => 'i',
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c != '\'' && !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.len() > 60 {
        match out[..60].rfind('-') {
            Some(cut) if cut > 10 => out.truncate(cut),
            _ => out.truncate(60),
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The anchor id of a heading: its lowercase words joined by `-`.
fn heading_slug(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// First letter in upper case.
fn capitalize(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// An invented proper name of two or three syllables that is not a word of the prose (else
/// "Loan Mining" would be mentioned, unlinked, all over the bodies).
fn invented_name(rng: &mut Rng) -> String {
    loop {
        let n = rng.range(2, 3);
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(rng.word(SYLLABLES));
        }
        if ![WORDS, ADJECTIVES, NOUNS]
            .iter()
            .any(|list| list.contains(&s.as_str()))
        {
            return capitalize(&s);
        }
    }
}

/// How many entries of each kind (indexed by `Kind as usize`) for `n` entries in total.
fn kind_counts(n: usize) -> Vec<usize> {
    let mut counts = vec![0usize; Kind::ALL.len()];
    for k in Kind::ALL {
        counts[k as usize] = (n * k.percent() / 100).max(1);
    }
    let sum: usize = counts.iter().sum();
    let ev = Kind::Event as usize;
    // Rounding leftovers (or the minimum of one per kind) go to or come from events.
    counts[ev] = (counts[ev] + n).saturating_sub(sum).max(1);
    counts
}

/// A candidate entry of `kind` (the `nth` of its kind); the caller checks its names are free.
fn propose(kind: Kind, nth: usize, rng: &mut Rng, plan: &Plan) -> Entry {
    let (title, alias, subjects, detail) = propose_names(kind, nth, rng, plan);
    let mut id = slugify(&title);
    let mut date = String::new();
    if kind == Kind::Source {
        // Sources are named by publisher and date, the way contributors name them.
        date = edtf(rng, (2015, 2025), 0.85);
        let stamp: String = date
            .chars()
            .map(|c| if c.is_ascii_digit() { c } else { '-' })
            .collect();
        id = format!(
            "{}-{}",
            PUBLISHERS[detail as usize].2,
            stamp.trim_end_matches('-')
        );
    }
    Entry {
        kind,
        id,
        title,
        alias,
        subjects,
        detail,
        date,
    }
}

/// Names of a candidate entry, with what they refer to: (title, alias, subjects, detail).
fn propose_names(
    kind: Kind,
    nth: usize,
    rng: &mut Rng,
    plan: &Plan,
) -> (String, String, Vec<u32>, u32) {
    // A random earlier-planned entry of `k` (every kind before `kind` has at least one entry).
    let any = |rng: &mut Rng, k: Kind| -> u32 { *rng.pick(plan.of(k)) };
    let name = |i: u32| plan.entries[i as usize].title.as_str();
    let lower = |i: u32| plan.entries[i as usize].title.to_lowercase();
    match kind {
        Kind::Country => {
            if let Some(&(name, _, _, alias)) = REAL_COUNTRIES.get(nth) {
                return (name.into(), alias.into(), vec![], nth as u32);
            }
            let base = invented_name(rng);
            let title = format!("{base}{}", rng.word(COUNTRY_ENDINGS));
            let alias = if rng.chance(0.3) {
                format!("Republic of {title}")
            } else {
                String::new()
            };
            (title, alias, vec![], u32::MAX)
        }
        Kind::Mineral => {
            if let Some(&(name, ..)) = REAL_MINERALS.get(nth) {
                return (name.into(), String::new(), vec![], nth as u32);
            }
            let base = invented_name(rng);
            let ending = if rng.chance(0.6) { "ium" } else { "ite" };
            (format!("{base}{ending}"), String::new(), vec![], u32::MAX)
        }
        Kind::Source => {
            let publisher = rng.below(PUBLISHERS.len());
            let c = any(rng, Kind::Country);
            let m = any(rng, Kind::Mineral);
            let title = rng
                .word(HEADLINES)
                .replace("{c}", name(c))
                .replace("{m}", &lower(m));
            (
                capitalize(&title),
                String::new(),
                vec![c, m],
                publisher as u32,
            )
        }
        Kind::Organisation => {
            let p = rng.below(ORG_PATTERNS.len());
            let (pattern, ty) = ORG_PATTERNS[p];
            if ty == "international body" {
                let title = pattern.replace("{}", &invented_name(rng));
                return (title, String::new(), vec![], p as u32);
            }
            let c = any(rng, Kind::Country);
            (
                pattern.replace("{}", name(c)),
                String::new(),
                vec![c],
                p as u32,
            )
        }
        Kind::Company => {
            let base = invented_name(rng);
            let title = format!("{base} {}", rng.word(COMPANY_ENDINGS));
            let alias = if rng.chance(0.15) {
                format!("{base} Group")
            } else {
                String::new()
            };
            (title, alias, vec![], 0)
        }
        Kind::Person => {
            let first = rng.word(FIRST_NAMES);
            let last = rng.word(LAST_NAMES);
            let title = if rng.chance(0.5) {
                let initial = (b'A' + rng.below(26) as u8) as char;
                format!("{first} {initial}. {last}")
            } else {
                format!("{first} {last}")
            };
            (title, String::new(), vec![], 0)
        }
        Kind::Proposal | Kind::Event => {
            let patterns = if kind == Kind::Proposal {
                PROPOSAL_PATTERNS
            } else {
                EVENT_PATTERNS
            };
            let pattern = rng.word(patterns);
            let mut subjects = Vec::new();
            let mut title = (*pattern).to_string();
            let slots: [(&str, Kind); 6] = [
                ("{a}", Kind::Country),
                ("{b}", Kind::Country),
                ("{m}", Kind::Mineral),
                ("{k}", Kind::Company),
                ("{o}", Kind::Organisation),
                ("{p}", Kind::Person),
            ];
            for (slot, k) in slots {
                if title.contains(slot) {
                    let mut e = any(rng, k);
                    if slot == "{b}" && plan.of(k).len() > 1 {
                        while subjects.contains(&e) {
                            e = any(rng, k);
                        }
                    }
                    let text = if k == Kind::Mineral {
                        lower(e)
                    } else {
                        name(e).to_string()
                    };
                    title = title.replace(slot, &text);
                    subjects.push(e);
                }
            }
            if title.contains("{q}") {
                let q = any(rng, Kind::Proposal);
                let text = lower(q);
                title = title.replace("{q}", &text);
                subjects.push(q);
            }
            (capitalize(&title), String::new(), subjects, 0)
        }
    }
}

/// Decides the id and title of every entry, and the comparison pages.
fn make_plan(seed: u64, n: usize) -> Plan {
    let mut rng = Rng::new(seed);
    let counts = kind_counts(n);
    let mut plan = Plan {
        seed,
        entries: Vec::with_capacity(n),
        by_kind: vec![Vec::new(); Kind::ALL.len()],
        comparisons: Vec::new(),
    };
    let mut names = Names(HashSet::with_capacity(n * 2));
    for kind in Kind::ALL {
        for nth in 0..counts[kind as usize] {
            let mut attempt = 0;
            let entry = loop {
                let mut e = propose(kind, nth, &mut rng, &plan);
                if attempt >= 20 {
                    // Names of this shape are running out: number them.
                    let k = attempt - 18;
                    e.title = format!("{} {k}", e.title);
                    e.id = format!("{}-{k}", e.id);
                    e.alias.clear();
                }
                if names.claim(&e.id, &e.title, &e.alias) {
                    break e;
                }
                if !e.alias.is_empty() && names.claim(&e.id, &e.title, "") {
                    e.alias.clear();
                    break e;
                }
                attempt += 1;
            };
            plan.by_kind[kind as usize].push(plan.entries.len() as u32);
            plan.entries.push(entry);
        }
    }
    plan.comparisons = make_comparisons(&mut rng, &plan, &mut names, n);
    plan
}

/// A few comparison pages (more for bigger knowledge bases).
fn make_comparisons(rng: &mut Rng, plan: &Plan, names: &mut Names, n: usize) -> Vec<Comparison> {
    let first: Vec<usize> = plan
        .of(Kind::Country)
        .iter()
        .take(5)
        .map(|&i| i as usize)
        .collect();
    let fixed: [(&str, String); 6] = [
        (
            "Rare-earth reserves by country",
            "{ kind: country, fields: [reserves, mine_production], charts: [reserves] }".into(),
        ),
        (
            "Shares of mining and refining by country",
            "{ kind: country, fields: [mine_share, processing_share, reserves], charts: [mine_share] }"
                .into(),
        ),
        (
            "Prices and China's share by mineral",
            "{ kind: mineral, fields: [price, world_production, china_share], charts: [world_production] }"
                .into(),
        ),
        (
            "Money and volumes of the proposals",
            "{ kind: proposal, fields: [value, volume], charts: [value] }".into(),
        ),
        (
            "Reserves of the first producers",
            format!(
                "{{ entries: {}, fields: [reserves, mine_production], charts: [reserves] }}",
                plan.id_list(&first)
            ),
        ),
        (
            "Output of countries tagged sanctions",
            "{ kind: country, tag: sanctions, fields: [mine_production, mine_share], charts: [mine_production] }"
                .into(),
        ),
    ];
    let fixed_len = fixed.len();
    let mut out = Vec::new();
    for (title, compare) in fixed {
        let id = slugify(title);
        if names.claim(&id, title, "") {
            out.push(Comparison {
                id,
                title: title.into(),
                compare,
            });
        }
    }
    let extra = (n / 10_000).min(10);
    let mut attempt = 0;
    while out.len() < fixed_len + extra && attempt < 1000 {
        attempt += 1;
        let k = 3 + rng.below(4);
        let ids = plan.refs(rng, &[Kind::Country], k, usize::MAX, &[]);
        let tag = rng.word(TAGS);
        let title = format!(
            "{} compared, {tag}",
            ids.iter()
                .map(|&i| plan.entries[i].title.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let id = slugify(&format!("compare {tag} {}", out.len()));
        if names.claim(&id, &title, "") {
            out.push(Comparison {
                id,
                title,
                compare: format!(
                    "{{ entries: {}, fields: [reserves, mine_production, mine_share], charts: [mine_production] }}",
                    plan.id_list(&ids)
                ),
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Values: YAML scalars, numbers, quantities, dates
// ---------------------------------------------------------------------------------------------

/// A YAML scalar for `s`: plain when that is safe in block and flow context, else double-quoted.
fn ys(s: &str) -> String {
    let first_ok = s.chars().next().is_some_and(char::is_alphabetic);
    let chars_ok = s
        .chars()
        .all(|c| c.is_alphanumeric() || " .-'()–".contains(c));
    let reserved = matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "null" | "on" | "off" | "y" | "n"
    );
    if first_ok && chars_ok && !reserved && !s.ends_with(' ') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `x` rounded to `digits` significant digits, without exponent or trailing zeros.
fn fmt_num(x: f64, digits: i32) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).max(0) as usize;
    let mut s = format!("{x:.decimals$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    s
}

/// The dimensions of quantity fields.
#[derive(Clone, Copy)]
enum Dim {
    /// Base unit: tonnes.
    Mass,
    /// Base unit: US dollars.
    Money,
    /// Percent.
    Ratio,
    /// Base unit: US dollars per kilogram.
    Price,
}

/// A quantity of `base` (in the dimension's base unit) in a randomly chosen unit: (value, unit).
fn in_unit(rng: &mut Rng, dim: Dim, base: f64) -> (String, &'static str) {
    let digits = rng.range(2, 3) as i32;
    let (value, unit) = match dim {
        Dim::Mass => {
            // Pick t, kt or Mt, biased to the natural one but mixed on purpose.
            let natural: usize = if base >= 1e6 {
                2
            } else if base >= 1e4 {
                1
            } else {
                0
            };
            let choice = if rng.chance(0.7) {
                natural
            } else {
                natural.saturating_sub(1)
            };
            [(base, "t"), (base / 1e3, "kt"), (base / 1e6, "Mt")][choice]
        }
        Dim::Money => {
            if base >= 1e9 {
                (base / 1e9, "B USD")
            } else if base >= 1e6 {
                (base / 1e6, "M USD")
            } else if base >= 1e3 && rng.chance(0.7) {
                (base / 1e3, "k USD")
            } else {
                (base, "USD")
            }
        }
        Dim::Ratio => (base, "%"),
        Dim::Price => match rng.below(6) {
            0 => (base * 1000.0, "USD/t"),
            1 => (base / 2.2046, "USD/lb"),
            2 => (base * 10.0, "USD/mtu"),
            _ => (base, "USD/kg"),
        },
    };
    (fmt_num(value, digits), unit)
}

/// A random base amount for a quantity field.
fn base_amount(rng: &mut Rng, dim: Dim, lo: f64, hi: f64) -> f64 {
    match dim {
        Dim::Ratio => (rng.unit() * (hi - lo) + lo).min(100.0),
        _ => rng.log_uniform(lo, hi),
    }
}

/// A date in EDTF (levels 0–1): full, month, year, approximate, uncertain, or an interval.
/// `full_bias` raises the share of full dates (events are usually dated to the day).
fn edtf(rng: &mut Rng, years: (usize, usize), full_bias: f64) -> String {
    let y = rng.range(years.0, years.1);
    let m = rng.range(1, 12);
    let d = rng.range(1, 28);
    if rng.chance(full_bias) {
        return format!("{y}-{m:02}-{d:02}");
    }
    match rng.below(20) {
        0..=7 => format!("{y}-{m:02}-{d:02}"),
        8..=11 => format!("{y}-{m:02}"),
        12..=14 => format!("{y}"),
        15 => format!("{y}~"),
        16 => format!("{y}?"),
        17 | 18 => format!(
            "{}/{}",
            y.min(years.1 - 1),
            y.min(years.1 - 1) + rng.range(1, 2)
        ),
        _ => {
            let d2 = (d + rng.range(1, 10)).min(28);
            format!("{y}-{m:02}-{d:02}/{y}-{m:02}-{d2:02}")
        }
    }
}

/// Writes one item of a YAML list of mappings (values already YAML), indented by two: in flow
/// style `- { k: v, … }`, or in block style when asked or when a value holds a `?` (an uncertain
/// date), which YAML 1.1 parsers do not accept inside flow collections.
fn list_item(out: &mut String, item: &[(&str, String)], block: bool) {
    if block || item.iter().any(|(_, v)| v.contains('?')) {
        for (i, (k, v)) in item.iter().enumerate() {
            let lead = if i == 0 { "  - " } else { "    " };
            let _ = writeln!(out, "{lead}{k}: {v}");
        }
    } else {
        let pairs: Vec<String> = item.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let _ = writeln!(out, "  - {{ {} }}", pairs.join(", "));
    }
}

/// Whether an EDTF date is a full calendar day (Hugo gets a `date` only then).
fn is_full_day(date: &str) -> bool {
    date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-'
}

// ---------------------------------------------------------------------------------------------
// Front matter
// ---------------------------------------------------------------------------------------------

/// What the Hugo copy of a page needs from its lode front matter.
struct Meta {
    /// A full `YYYY-MM-DD` date, if the entry has one.
    date: Option<String>,
    /// Tags.
    tags: Vec<&'static str>,
    /// One-line summary.
    summary: String,
}

/// Builds one entry's front matter (between the `---` lines).
struct Front<'a> {
    /// The plan.
    plan: &'a Plan,
    /// The entry.
    idx: usize,
    /// The output.
    out: String,
}

impl Front<'_> {
    /// `key: value` (value already YAML).
    fn line(&mut self, key: &str, value: &str) {
        let _ = writeln!(self.out, "{key}: {value}");
    }

    /// A random source id.
    fn source(&self, rng: &mut Rng) -> &str {
        let s = *rng.pick(self.plan.of(Kind::Source));
        &self.plan.entries[s as usize].id
    }

    /// A quantity field, written as `3.8 Mt` (20%), as `{ value, unit, source }` (15%), or as a
    /// list of claims with sources, `as_of` dates and notes (units mixed within one list).
    fn quantity(&mut self, rng: &mut Rng, key: &str, dim: Dim, lo: f64, hi: f64) {
        let base = base_amount(rng, dim, lo, hi);
        let unit_yaml = |u: &str| {
            if u == "%" {
                "\"%\"".to_string()
            } else {
                u.to_string()
            }
        };
        let r = rng.unit();
        if r < 0.2 {
            // Bare figures are valid but draw lode's "cites no source" warning; keep them rare.
            let (v, u) = in_unit(rng, dim, base);
            self.line(key, &format!("{v} {u}"));
        } else if r < 0.35 {
            let (v, u) = in_unit(rng, dim, base);
            let src = self.source(rng).to_string();
            let value = format!("{{ value: {v}, unit: {}, source: {src} }}", unit_yaml(u));
            self.line(key, &value);
        } else {
            let _ = writeln!(self.out, "{key}:");
            for c in 0..rng.range(1, 3) {
                let amount = if c == 0 {
                    base
                } else {
                    base_amount(rng, dim, base * 0.5, base * 2.0)
                };
                let (v, u) = in_unit(rng, dim, amount);
                let src = self.source(rng).to_string();
                let mut item = vec![("value", v), ("unit", unit_yaml(u)), ("source", src)];
                if rng.chance(0.7) {
                    item.push(("as_of", edtf(rng, (2018, 2025), 0.0)));
                }
                if rng.chance(0.3) {
                    let note = format!(
                        "{} {} figure",
                        capitalize(rng.word(ADJECTIVES)),
                        rng.word(NOUNS)
                    );
                    item.push(("note", ys(&note)));
                }
                let block = rng.chance(0.15);
                list_item(&mut self.out, &item, block);
            }
        }
    }

    /// A `refs` field (omitted when there is nothing to refer to).
    fn refs(&mut self, rng: &mut Rng, key: &str, kinds: &[Kind], n: (usize, usize), first: &[u32]) {
        let n = rng.range(n.0, n.1);
        let ids = self.plan.refs(rng, kinds, n, self.idx, first);
        if !ids.is_empty() {
            let list = self.plan.id_list(&ids);
            self.line(key, &list);
        }
    }

    /// A `ref` field.
    fn single_ref(&mut self, rng: &mut Rng, key: &str, kinds: &[Kind], first: &[u32]) {
        let ids = self.plan.refs(rng, kinds, 1, self.idx, first);
        if let Some(&i) = ids.first() {
            let id = self.plan.entries[i].id.clone();
            self.line(key, &id);
        }
    }

    /// A `list` field of short strings.
    fn list(&mut self, rng: &mut Rng, key: &str, from: &[&str], lo: usize, hi: usize) {
        let mut items: Vec<&str> = Vec::new();
        for _ in 0..rng.range(lo, hi) {
            let it = *rng.pick(from);
            if !items.contains(&it) {
                items.push(it);
            }
        }
        let items: Vec<String> = items.iter().map(|s| ys(s)).collect();
        self.line(key, &format!("[{}]", items.join(", ")));
    }

    /// A `text` field: one line of inline markdown.
    fn text(&mut self, rng: &mut Rng, key: &str) {
        let mut words: Vec<String> = (0..rng.range(6, 14))
            .map(|_| (rng.word(WORDS)).to_string())
            .collect();
        let i = rng.below(words.len());
        words[i] = format!("*{}*", words[i]);
        words[0] = capitalize(&words[0]);
        let text = format!("{}.", words.join(" "));
        self.line(key, &ys(&text));
    }
}

/// Writes the front matter of entry `idx` (without the `---` lines) and returns its Hugo meta.
fn front_matter(plan: &Plan, idx: usize, rng: &mut Rng, out: &mut String) -> Meta {
    let e = &plan.entries[idx];
    let mut f = Front {
        plan,
        idx,
        out: std::mem::take(out),
    };
    let mut date: Option<String> = None;
    f.line("title", &ys(&e.title));
    if rng.chance(0.05) {
        f.line("id", &e.id);
    }
    if !e.alias.is_empty() {
        f.line("aliases", &format!("[{}]", ys(&e.alias)));
    }
    let summary = {
        let mut words: Vec<&str> = (0..rng.range(8, 16)).map(|_| rng.word(WORDS)).collect();
        let first = capitalize(words[0]);
        words[0] = &first;
        format!("{}.", words.join(" "))
    };
    f.line("summary", &ys(&summary));
    match e.kind {
        Kind::Country => {
            let (iso2, region) = match REAL_COUNTRIES.get(e.detail as usize) {
                Some(&(_, iso, region, _)) => (iso.to_string(), region),
                None => {
                    let letters: Vec<char> =
                        e.title.chars().filter(char::is_ascii_alphabetic).collect();
                    let a = letters[0].to_ascii_uppercase();
                    let b = letters
                        .get(1 + rng.below(letters.len() - 1))
                        .map_or('X', char::to_ascii_uppercase);
                    (format!("{a}{b}"), rng.word(REGIONS))
                }
            };
            f.line("iso2", &ys(&iso2));
            f.line("region", &ys(region));
            f.quantity(rng, "reserves", Dim::Mass, 1e3, 4.4e7);
            f.quantity(rng, "mine_production", Dim::Mass, 1e2, 2.7e5);
            if rng.chance(0.6) {
                f.quantity(rng, "mine_share", Dim::Ratio, 0.1, 70.0);
            }
            if rng.chance(0.4) {
                f.quantity(rng, "processing_share", Dim::Ratio, 0.1, 90.0);
            }
            let sanctions = rng.word(&["none", "none", "sanctioned", "sanctioning", "both"]);
            f.line("sanctions", sanctions);
            if sanctions != "none" && rng.chance(0.7) {
                f.text(rng, "sanctions_note");
            }
            f.refs(rng, "key_minerals", &[Kind::Mineral], (1, 4), &[]);
            let n = rng.range(0, 4);
            if n > 0 {
                f.refs(rng, "partners", &[Kind::Country], (n, n), &[]);
            }
        }
        Kind::Mineral => {
            match REAL_MINERALS.get(e.detail as usize) {
                Some(&(_, symbol, z, group)) => {
                    if !symbol.is_empty() {
                        f.line("symbol", &ys(symbol));
                        f.line("atomic_number", &z.to_string());
                    }
                    f.line("group", GROUPS[group]);
                }
                None => {
                    if e.title.ends_with("ium") {
                        let first = e.title.chars().next().unwrap_or('X').to_ascii_uppercase();
                        let symbol = if rng.chance(0.7) {
                            format!("{first}{}", (b'a' + rng.below(26) as u8) as char)
                        } else {
                            first.to_string()
                        };
                        f.line("symbol", &ys(&symbol));
                        f.line("atomic_number", &rng.range(119, 180).to_string());
                    }
                    f.line("group", rng.word(GROUPS));
                }
            }
            f.list(rng, "uses", USES, 1, 4);
            f.quantity(rng, "price", Dim::Price, 1.0, 3000.0);
            f.quantity(rng, "world_production", Dim::Mass, 10.0, 2e7);
            f.quantity(rng, "china_share", Dim::Ratio, 5.0, 99.0);
            f.refs(rng, "main_producers", &[Kind::Country], (1, 5), &[]);
            if rng.chance(0.5) {
                f.text(rng, "export_controls");
            }
        }
        Kind::Source => {
            let (publisher, ty, _) = PUBLISHERS[e.detail as usize];
            f.line("publisher", &ys(publisher));
            f.line("headline", &ys(&e.title));
            let d = e.date.clone();
            f.line(
                "url",
                &format!("https://{}.example.com/{}", slugify(publisher), e.id),
            );
            f.line("type", ty);
            if rng.chance(0.2) {
                f.text(rng, "reliability_note");
            }
            if rng.chance(0.93) {
                f.line("date", &d);
                date = Some(d);
            }
        }
        Kind::Organisation => {
            let (_, ty) = ORG_PATTERNS[e.detail as usize];
            if let Some(&c) = e.subjects.first() {
                let id = plan.entries[c as usize].id.clone();
                f.line("country", &id);
            }
            f.line("type", &ys(ty));
            if rng.chance(0.7) {
                f.line("website", &format!("https://{}.example.org/", e.id));
            }
        }
        Kind::Company => {
            f.single_ref(rng, "headquarters", &[Kind::Country], &[]);
            let ownership = rng.word(&[
                "listed",
                "listed",
                "private",
                "state-owned",
                "sovereign fund",
            ]);
            f.line("ownership", ownership);
            if ownership == "listed" {
                let ticker: String =
                    e.id.chars()
                        .filter(char::is_ascii_alphabetic)
                        .take(3)
                        .collect::<String>()
                        .to_ascii_uppercase();
                let listing = format!("{}: {ticker}", rng.word(EXCHANGES));
                f.line("listing", &ys(&listing));
            }
            if rng.chance(0.8) {
                f.line("founded", &edtf(rng, (1950, 2024), 0.2));
            }
            if rng.chance(0.8) {
                f.line("website", &format!("https://www.{}.example.com/", e.id));
            }
            f.refs(rng, "minerals", &[Kind::Mineral], (1, 4), &[]);
            if rng.chance(0.7) {
                let projects: Vec<String> = (0..rng.range(1, 3))
                    .map(|_| format!("{} project", invented_name(rng)))
                    .collect();
                let refs: Vec<&str> = projects.iter().map(String::as_str).collect();
                f.list(rng, "projects", &refs, refs.len(), refs.len());
            }
            let n = rng.range(0, 4);
            if n > 0 {
                f.refs(rng, "operates_in", &[Kind::Country], (n, n), &[]);
            }
            if rng.chance(0.3) {
                f.text(rng, "government_backing");
            }
        }
        Kind::Person => {
            f.line("role", &ys(rng.word(ROLES)));
            if rng.chance(0.8) {
                f.single_ref(rng, "country", &[Kind::Country], &[]);
            }
            if rng.chance(0.8) {
                let n = rng.range(1, 2);
                f.refs(
                    rng,
                    "affiliation",
                    &[Kind::Company, Kind::Organisation],
                    (n, n),
                    &[],
                );
            }
        }
        Kind::Proposal => {
            let parties = [
                Kind::Country,
                Kind::Company,
                Kind::Organisation,
                Kind::Person,
            ];
            let n = rng.range(2, 5);
            f.refs(rng, "parties", &parties, (n, n), &e.subjects);
            let minerals: Vec<u32> = e
                .subjects
                .iter()
                .copied()
                .filter(|&s| plan.entries[s as usize].kind == Kind::Mineral)
                .collect();
            f.refs(rng, "minerals", &[Kind::Mineral], (1, 3), &minerals);
            if rng.chance(0.5) {
                f.list(rng, "regions", REGIONS, 1, 2);
            }
            let status = rng.word(&[
                "proposed",
                "negotiating",
                "signed",
                "in force",
                "stalled",
                "suspended",
                "rejected",
            ]);
            f.line("status", status);
            if rng.chance(0.6) {
                f.list(rng, "obstacles", OBSTACLES, 1, 3);
            }
            let proposed = edtf(rng, (2015, 2023), 0.3);
            f.line("proposed", &proposed);
            if status == "signed" || status == "in force" {
                f.line("signed", &edtf(rng, (2024, 2025), 0.6));
            }
            if rng.chance(0.7) {
                f.quantity(rng, "value", Dim::Money, 1e5, 5e10);
            }
            if rng.chance(0.4) {
                f.quantity(rng, "volume", Dim::Mass, 10.0, 1e6);
            }
        }
        Kind::Event => {
            let d = edtf(rng, (2015, 2025), 0.6);
            f.line("date", &d);
            if is_full_day(&d) {
                date = Some(d);
            }
            let kinds = [
                Kind::Country,
                Kind::Company,
                Kind::Organisation,
                Kind::Person,
                Kind::Proposal,
                Kind::Mineral,
            ];
            let n = rng.range(1, 4);
            f.refs(rng, "involves", &kinds, (n, n), &e.subjects);
            if rng.chance(0.6) {
                f.line("location", &ys(rng.word(PLACES)));
            }
        }
    }
    if rng.chance(0.15) {
        f.line("updated", &edtf(rng, (2025, 2025), 1.0));
    }
    let mut tags: Vec<&'static str> = Vec::new();
    for _ in 0..rng.range(0, 4) {
        let t = rng.word(TAGS);
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    if !tags.is_empty() {
        f.line("tags", &format!("[{}]", tags.join(", ")));
    }
    if e.kind != Kind::Source {
        f.refs(rng, "sources", &[Kind::Source], (1, 4), &[]);
        let n_events = match e.kind {
            Kind::Event => usize::from(rng.chance(0.2)),
            Kind::Country | Kind::Company | Kind::Proposal => rng.range(0, 4),
            _ => rng.range(0, 2),
        };
        if n_events > 0 {
            f.out.push_str("events:\n");
            for _ in 0..n_events {
                let d = edtf(rng, (2015, 2025), 0.5);
                let title = format!(
                    "{} {} {} {}",
                    capitalize(rng.word(ADJECTIVES)),
                    rng.word(NOUNS),
                    rng.word(&["announced", "agreed", "disputed", "revised", "approved"]),
                    rng.word(&["in talks", "by officials", "after review", "at a summit"]),
                );
                let mut item = vec![("date", d), ("title", ys(&title))];
                if rng.chance(0.7) {
                    let kinds = [Kind::Country, Kind::Company, Kind::Person, Kind::Mineral];
                    let n = rng.range(1, 2);
                    let ids = plan.refs(rng, &kinds, n, idx, &[]);
                    item.push(("refs", plan.id_list(&ids)));
                }
                item.push(("source", f.source(rng).to_string()));
                let block = rng.chance(0.15);
                list_item(&mut f.out, &item, block);
            }
        }
    }
    *out = f.out;
    Meta {
        date,
        tags,
        summary,
    }
}

// ---------------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------------

/// The headings of entry `idx`'s body, `(level, text)`, first one level 2; distinct slugs.
/// Recomputed by any page that links to one of them.
fn headings(seed: u64, idx: usize) -> Vec<(u8, String)> {
    let mut rng = Rng::for_entry(seed, idx, Stream::Headings);
    let mut pool: Vec<&str> = SECTION_HEADINGS.to_vec();
    let mut out: Vec<(u8, String)> = Vec::new();
    for _ in 0..rng.range(3, 7) {
        let h = pool.swap_remove(rng.below(pool.len()));
        out.push((2, h.to_string()));
        if rng.chance(0.35) {
            for _ in 0..rng.range(1, 2) {
                for _attempt in 0..20 {
                    let t = format!("{} {}", capitalize(rng.word(ADJECTIVES)), rng.word(NOUNS));
                    let s = heading_slug(&t);
                    if !out.iter().any(|(_, x)| heading_slug(x) == s) {
                        out.push((3, t));
                        break;
                    }
                }
            }
        }
    }
    out
}

/// Writes one body twice at once: for lode (wikilinks) and for Hugo (markdown links).
struct Body<'a> {
    /// The plan.
    plan: &'a Plan,
    /// The entry being written.
    idx: usize,
    /// Its random stream.
    rng: &'a mut Rng,
    /// The lode markdown.
    lode: String,
    /// The Hugo markdown.
    hugo: String,
    /// Length of the current line of `lode`, to wrap prose near 100 columns.
    col: usize,
    /// Indentation of continuation lines (inside list items).
    indent: &'static str,
    /// Prose words written so far.
    words: usize,
    /// Wikilinks still to place in the prose.
    links_left: usize,
    /// Chance that a word slot becomes a wikilink.
    link_p: f64,
}

impl Body<'_> {
    /// Appends the same text to both outputs.
    fn push(&mut self, s: &str) {
        self.lode.push_str(s);
        self.hugo.push_str(s);
        match s.rfind('\n') {
            Some(i) => self.col = s.len() - i - 1,
            None => self.col += s.len(),
        }
    }

    /// A space between words, or a line break once the line is long.
    fn space(&mut self) {
        if self.col > 96 {
            let indent = self.indent;
            self.push("\n");
            self.push(indent);
        } else {
            self.push(" ");
        }
    }

    /// A random entry to link to, never this one; countries and minerals are hubs.
    fn target(&mut self) -> usize {
        let plan = self.plan;
        if self.rng.chance(0.3)
            && let Some(t) = plan.random_of(self.rng, &[Kind::Country, Kind::Mineral], self.idx)
        {
            return t;
        }
        loop {
            let t = self.rng.below(plan.entries.len());
            if t != self.idx {
                return t;
            }
        }
    }

    /// A wikilink to `t` in one of the forms contributors write; its Hugo twin is an ordinary
    /// link to `/section/id/`. `pipe` allows the `[[id|label]]` form (not inside tables).
    fn link_to(&mut self, t: usize, pipe: bool) {
        let e = &self.plan.entries[t];
        let url = format!("/{}/{}/", e.kind.section(), e.id);
        let r = self.rng.unit();
        let (lode, hugo) = if r < 0.1 {
            let hs = headings(self.plan.seed, t);
            let slug = heading_slug(&self.rng.pick(&hs).1);
            (
                format!("[[{}#{slug}]]", e.id),
                format!("[{}]({url}#{slug})", e.title),
            )
        } else if r < 0.4 && pipe {
            let n = self.rng.range(1, 3);
            let label: Vec<&str> = (0..n).map(|_| self.rng.word(WORDS)).collect();
            let label = label.join(" ");
            (format!("[[{}|{label}]]", e.id), format!("[{label}]({url})"))
        } else if r < 0.45 {
            // By title, or by alias when the entry has one (resolved case-insensitively).
            let name = if !e.alias.is_empty() && self.rng.chance(0.5) {
                &e.alias
            } else {
                &e.title
            };
            (format!("[[{name}]]"), format!("[{name}]({url})"))
        } else if r < 0.48 {
            (
                format!("[[{}/{}]]", e.kind.section(), e.id),
                format!("[{}]({url})", e.title),
            )
        } else {
            (format!("[[{}]]", e.id), format!("[{}]({url})", e.title))
        };
        self.lode.push_str(&lode);
        self.hugo.push_str(&hugo);
        self.col += lode.len();
        self.links_left = self.links_left.saturating_sub(1);
    }

    /// A link to a random entry.
    fn link(&mut self, pipe: bool) {
        let t = self.target();
        self.link_to(t, pipe);
    }

    /// One sentence of pseudo-English, sometimes with a figure, emphasis, code or a wikilink.
    fn sentence(&mut self) {
        let n = self.rng.range(6, 22);
        for i in 0..n {
            if i > 0 {
                self.space();
            }
            let r = self.rng.unit();
            if i > 0 && self.links_left > 0 && self.rng.chance(self.link_p) {
                self.link(true);
            } else if r < 0.025 {
                let figure = match self.rng.below(4) {
                    0 => format!("in {}", self.rng.range(1995, 2025)),
                    1 => format!("{}%", self.rng.range(1, 95)),
                    2 => format!("{} Mt", fmt_num(self.rng.log_uniform(0.1, 40.0), 2)),
                    _ => format!("{} t", self.rng.range(100, 90_000)),
                };
                self.push(&figure);
                self.words += 1;
            } else if i > 0 && r < 0.04 {
                let w = format!("**{}**", self.rng.word(WORDS));
                self.push(&w);
            } else if i > 0 && r < 0.055 {
                let w = format!("*{}*", self.rng.word(WORDS));
                self.push(&w);
            } else if i > 0 && r < 0.06 {
                let code = if self.rng.chance(0.2) {
                    "`[[not-a-link]]`".to_string()
                } else {
                    format!("`{}`", self.rng.word(NOUNS))
                };
                self.push(&code);
            } else {
                let w = self.rng.word(WORDS);
                if i == 0 {
                    self.push(&capitalize(w));
                } else {
                    self.push(w);
                }
            }
            self.words += 1;
            if i + 1 < n && self.rng.chance(0.06) {
                self.push(",");
            }
        }
        self.push(".");
    }

    /// A paragraph of a few sentences; `footnote` appends a footnote reference.
    fn paragraph(&mut self, footnote: Option<usize>) {
        for s in 0..self.rng.range(2, 6) {
            if s > 0 {
                self.space();
            }
            self.sentence();
        }
        if let Some(k) = footnote {
            self.push(&format!("[^{k}]"));
        }
        self.push("\n\n");
    }

    /// A bullet list (`numbered`: an ordered list).
    fn list(&mut self, numbered: bool) {
        for i in 1..=self.rng.range(3, 6) {
            if numbered {
                self.push(&format!("{i}. "));
                self.indent = "   ";
            } else {
                self.push("- ");
                self.indent = "  ";
            }
            if self.rng.chance(0.3) {
                let lead = format!("**{}**: ", capitalize(self.rng.word(NOUNS)));
                self.push(&lead);
            }
            self.sentence();
            self.push("\n");
            self.indent = "";
        }
        self.push("\n");
    }

    /// A table of yearly figures (sometimes citing sources with plain `[[id]]` links).
    fn table(&mut self) {
        self.push("| Year | Output (t) | Share | Note |\n| --- | ---: | ---: | --- |\n");
        let start = self.rng.range(2010, 2018);
        for y in start..start + self.rng.range(3, 8) {
            let out = self.rng.range(50, 250_000);
            let share = fmt_num(self.rng.unit() * 60.0 + 0.5, 2);
            self.push(&format!("| {y} | {out} | {share}% | "));
            if self.links_left > 0 && self.rng.chance(0.25) {
                let s = *self.rng.pick(self.plan.of(Kind::Source)) as usize;
                self.link_to(s, false);
            } else {
                let note = format!("{} {}", self.rng.word(ADJECTIVES), self.rng.word(NOUNS));
                self.push(&note);
            }
            self.push(" |\n");
        }
        self.push("\n");
    }

    /// A fenced code block in Rust, YAML or JSON.
    fn code(&mut self) {
        let id = &self.plan.entries[self.idx].id;
        let v = fmt_num(self.rng.log_uniform(0.1, 50.0), 3);
        let f = fmt_num(self.rng.unit() * 0.3 + 0.7, 3);
        let y = self.rng.range(2015, 2025);
        let block = match self.rng.below(3) {
            0 => format!(
                "```rust\n/// Converts tonnes of oxide into tonnes of contained metal.\n\
                 fn oxide_to_metal(oxide_t: f64) -> f64 {{\n    \
                 let factor = {f}; // mass fraction of the metal\n    \
                 let grid = [[0u32; 3]; 3];\n    \
                 oxide_t * factor + f64::from(grid[0][0])\n}}\n\n\
                 fn main() {{\n    \
                 let reserves_mt = {v};\n    \
                 println!(\"{{:.1}} Mt of metal\", oxide_to_metal(reserves_mt));\n}}\n```\n\n"
            ),
            1 => {
                let src =
                    &self.plan.entries[*self.rng.pick(self.plan.of(Kind::Source)) as usize].id;
                format!(
                    "```yaml\n# How a disputed figure is recorded\nreserves:\n  \
                     - {{ value: {v}, unit: Mt, source: {src}, as_of: {y} }}\n  \
                     - {{ value: {}, unit: kt, source: {src}, note: revised }}\n```\n\n",
                    fmt_num(self.rng.log_uniform(100.0, 90_000.0), 3)
                )
            }
            _ => format!(
                "```json\n{{\n  \"id\": \"{id}\",\n  \"reserves\": {{ \"value\": {v}, \"unit\": \"Mt\" }},\n  \
                 \"as_of\": \"{y}\",\n  \"factor\": {f},\n  \"tags\": [\"synthetic\", \"benchmark\"]\n}}\n```\n\n"
            ),
        };
        self.push(&block);
    }
}

/// The body of entry `idx` for lode and for Hugo: headings, paragraphs, lists, a table, code in
/// about a third of entries, footnotes sometimes, and 3–10 links to other entries.
fn body(plan: &Plan, idx: usize, rng: &mut Rng) -> (String, String) {
    let heads = headings(plan.seed, idx);
    let target_words = rng.range(300, 1500);
    let n_links = rng.range(3, 10);
    let n_notes = if rng.chance(0.3) {
        rng.range(1, 3.min(n_links - 2))
    } else {
        0
    };
    let mut b = Body {
        plan,
        idx,
        lode: String::with_capacity(target_words * 9),
        hugo: String::with_capacity(target_words * 9),
        col: 0,
        indent: "",
        words: 0,
        links_left: n_links - n_notes,
        link_p: (n_links - n_notes) as f64 / target_words as f64,
        rng,
    };
    let sections = heads.len();
    let table_at = b.rng.below(sections);
    let code_at = if b.rng.chance(1.0 / 3.0) {
        Some(b.rng.below(sections))
    } else {
        None
    };
    let bullets_at = b.rng.below(sections);
    let numbered_at = b.rng.below(sections);
    b.paragraph(None);
    let per_section = target_words.saturating_sub(b.words) / sections;
    for (i, (level, text)) in heads.iter().enumerate() {
        let hashes = if *level == 2 { "##" } else { "###" };
        b.push(&format!("{hashes} {text}\n\n"));
        let start = b.words;
        b.paragraph((i < n_notes).then_some(i + 1));
        if i == bullets_at {
            b.list(false);
        }
        if i == table_at {
            b.table();
        }
        while b.words - start < per_section {
            match b.rng.below(10) {
                0 => b.list(false),
                1 if i != numbered_at => b.list(true),
                _ => b.paragraph(None),
            }
        }
        if i == numbered_at {
            b.list(true);
        }
        if code_at == Some(i) {
            b.code();
        }
    }
    if b.links_left > 0 {
        b.push("See also");
        while b.links_left > 0 {
            b.push(" ");
            b.link(true);
            if b.links_left > 0 {
                b.push(",");
            }
        }
        b.push(".\n\n");
    }
    for k in 1..=n_notes {
        b.push(&format!("[^{k}]: "));
        let s = *b.rng.pick(plan.of(Kind::Source)) as usize;
        b.links_left = 1;
        b.link_to(s, false);
        let tail = format!(", {} {}.\n", b.rng.word(ADJECTIVES), b.rng.word(NOUNS));
        b.push(&tail);
    }
    while b.lode.ends_with("\n\n") {
        b.lode.pop();
        b.hugo.pop();
    }
    (b.lode, b.hugo)
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/// Bytes and files written, per tree.
#[derive(Default)]
struct Stats {
    /// Files of the lode tree.
    lode_files: AtomicU64,
    /// Bytes of the lode tree.
    lode_bytes: AtomicU64,
    /// Files of the Hugo tree.
    hugo_files: AtomicU64,
    /// Bytes of the Hugo tree.
    hugo_bytes: AtomicU64,
}

/// Which tree a file belongs to.
#[derive(Clone, Copy)]
enum Tree {
    /// The lode knowledge base.
    Lode,
    /// The Hugo site.
    Hugo,
}

impl Stats {
    /// Writes `contents` to `path` and counts it.
    fn write(&self, tree: Tree, path: &Path, contents: &str) -> io::Result<()> {
        fs::write(path, contents)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let (files, bytes) = match tree {
            Tree::Lode => (&self.lode_files, &self.lode_bytes),
            Tree::Hugo => (&self.hugo_files, &self.hugo_bytes),
        };
        files.fetch_add(1, Ordering::Relaxed);
        bytes.fetch_add(contents.len() as u64, Ordering::Relaxed);
        Ok(())
    }
}

/// The `base_url` of both sites.
const BASE_URL: &str = "https://atlas.example.org/";

/// Start of Hugo's `config.yaml`, up to the title.
const HUGO_CONFIG_HEAD: &str = "# Generated by examples/synth.rs.
baseURL: https://atlas.example.org/
languageCode: en
title: ";

/// Rest of Hugo's `config.yaml`: tags taxonomy, every page kind, GitHub-style heading ids (as
/// lode's), code highlighted with CSS classes (as lode's).
const HUGO_CONFIG: &str = "
taxonomies:
  tag: tags
disableKinds: []
markup:
  goldmark:
    parser:
      autoHeadingID: true
      autoHeadingIDType: github
  highlight:
    codeFences: true
    noClasses: false
    guessSyntax: false
";

/// Hugo's base template.
const HUGO_BASEOF: &str = r#"<!doctype html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<title>{{ .Title }} – {{ site.Title }}</title>
</head>
<body>
<main>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
"#;

/// Hugo's page template: the title and the content.
const HUGO_SINGLE: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
{{ end }}
"#;

/// Hugo's list template (home, sections, taxonomy, terms): title, content, list of pages.
const HUGO_LIST: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}
"#;

/// The body of a kind's `_index.md` (after its front matter).
fn schema_body(schema: &str) -> &str {
    schema
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map_or("", |(_, body)| body)
}

/// Makes `dir` ready: creates it, or refuses a non-empty one unless `force`, in which case the
/// generated folders `clear` are removed first (nothing else is deleted).
fn prepare_dir(dir: &Path, force: bool, clear: &[&str]) -> io::Result<()> {
    if dir.exists() && fs::read_dir(dir)?.next().is_some() {
        if !force {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} is not empty (use --force to regenerate)", dir.display()),
            ));
        }
        for sub in clear {
            let p = dir.join(sub);
            if p.exists() {
                fs::remove_dir_all(&p)?;
            }
        }
    }
    fs::create_dir_all(dir)
}

/// The home page and site configuration shared by both trees: (title, description, home body).
fn site_text(plan: &Plan, n: usize) -> (String, String, String) {
    let title = format!("Synthetic Atlas ({n} entries, seed {})", plan.seed);
    let description =
        "A synthetic knowledge base on rare-earth and critical minerals, generated for benchmarks."
            .to_string();
    let mut home = String::from(
        "This knowledge base is generated by `examples/synth.rs`. Its prose is meaningless on\n\
         purpose; its structure, links and front matter follow Rare Earth Atlas.\n\n## Kinds\n\n",
    );
    for k in Kind::ALL {
        let _ = writeln!(
            home,
            "- {}: {} entries",
            capitalize(k.section()),
            plan.of(k).len()
        );
    }
    (title, description, home)
}

/// Writes the files that are not entries: configuration, home, kind indexes, comparisons, and
/// for Hugo its layouts.
fn write_fixed(
    plan: &Plan,
    n: usize,
    out: &Path,
    hugo: Option<&Path>,
    stats: &Stats,
) -> io::Result<()> {
    let (title, description, home) = site_text(plan, n);
    let base_url = BASE_URL;
    stats.write(
        Tree::Lode,
        &out.join("lode.yaml"),
        &format!(
            "# Generated by examples/synth.rs (--entries {n} --seed {seed}).
title: {title}
description: {description}
base_url: {base_url}
language: en
output: public
",
            seed = plan.seed,
            title = ys(&title),
            description = ys(&description),
        ),
    )?;
    let home_front = format!(
        "---\ntitle: {}\nsummary: {}\n---\n",
        ys(&title),
        ys(&description)
    );
    fs::create_dir_all(out.join("content/comparisons"))?;
    stats.write(
        Tree::Lode,
        &out.join("content/_index.md"),
        &format!("{home_front}{home}"),
    )?;
    for k in Kind::ALL {
        let dir = out.join("content").join(k.section());
        fs::create_dir_all(&dir)?;
        stats.write(Tree::Lode, &dir.join("_index.md"), k.schema())?;
    }
    if let Some(h) = hugo {
        stats.write(
            Tree::Hugo,
            &h.join("config.yaml"),
            &format!("{HUGO_CONFIG_HEAD}{}{HUGO_CONFIG}", ys(&title)),
        )?;
        fs::create_dir_all(h.join("content/comparisons"))?;
        stats.write(
            Tree::Hugo,
            &h.join("content/_index.md"),
            &format!("{home_front}{home}"),
        )?;
        for k in Kind::ALL {
            let dir = h.join("content").join(k.section());
            fs::create_dir_all(&dir)?;
            let title = k
                .schema()
                .lines()
                .find_map(|l| l.strip_prefix("title: "))
                .unwrap_or(k.section());
            let index = format!(
                "---\ntitle: {}\n---\n{}",
                ys(title),
                schema_body(k.schema())
            );
            stats.write(Tree::Hugo, &dir.join("_index.md"), &index)?;
        }
        stats.write(
            Tree::Hugo,
            &h.join("content/comparisons/_index.md"),
            "---\ntitle: Comparisons\n---\nSide-by-side tables of entries.\n",
        )?;
        let layouts = h.join("layouts/_default");
        fs::create_dir_all(&layouts)?;
        let files: [(&str, &str); 6] = [
            ("_default/baseof.html", HUGO_BASEOF),
            ("_default/single.html", HUGO_SINGLE),
            ("_default/list.html", HUGO_LIST),
            ("index.html", HUGO_LIST),
            ("_default/taxonomy.html", HUGO_LIST),
            ("_default/term.html", HUGO_LIST),
        ];
        for (name, text) in files {
            stats.write(Tree::Hugo, &h.join("layouts").join(name), text)?;
        }
    }
    for (ci, c) in plan.comparisons.iter().enumerate() {
        let mut rng = Rng::for_entry(plan.seed, plan.entries.len() + ci, Stream::Content);
        let mut b = Body {
            plan,
            idx: usize::MAX,
            lode: String::new(),
            hugo: String::new(),
            col: 0,
            indent: "",
            words: 0,
            links_left: 3,
            link_p: 0.02,
            rng: &mut rng,
        };
        while b.words < 200 {
            b.paragraph(None);
        }
        if b.links_left > 0 {
            b.push("See also");
            while b.links_left > 0 {
                b.push(" ");
                b.link(true);
            }
            b.push(".\n");
        }
        let summary = format!("Comparison: {}.", c.title);
        let lode = format!(
            "---\ntitle: {}\nsummary: {}\ncompare: {}\n---\n{}",
            ys(&c.title),
            ys(&summary),
            c.compare,
            b.lode
        );
        stats.write(
            Tree::Lode,
            &out.join(format!("content/comparisons/{}.md", c.id)),
            &lode,
        )?;
        if let Some(h) = hugo {
            let page = format!(
                "---\ntitle: {}\nsummary: {}\n---\n{}",
                ys(&c.title),
                ys(&summary),
                b.hugo
            );
            stats.write(
                Tree::Hugo,
                &h.join(format!("content/comparisons/{}.md", c.id)),
                &page,
            )?;
        }
    }
    Ok(())
}

/// Generates and writes entry `idx` in both trees.
fn write_entry(
    plan: &Plan,
    idx: usize,
    out: &Path,
    hugo: Option<&Path>,
    stats: &Stats,
) -> io::Result<()> {
    let e = &plan.entries[idx];
    let mut rng = Rng::for_entry(plan.seed, idx, Stream::Content);
    let mut front = String::with_capacity(2048);
    let meta = front_matter(plan, idx, &mut rng, &mut front);
    let (lode_body, hugo_body) = body(plan, idx, &mut rng);
    let rel = format!("content/{}/{}.md", e.kind.section(), e.id);
    let mut page = String::with_capacity(front.len() + lode_body.len() + 16);
    page.push_str("---\n");
    page.push_str(&front);
    page.push_str("---\n");
    page.push_str(&lode_body);
    page.push('\n');
    stats.write(Tree::Lode, &out.join(&rel), &page)?;
    if let Some(h) = hugo {
        page.clear();
        page.push_str("---\n");
        let _ = writeln!(page, "title: {}", ys(&e.title));
        if let Some(d) = &meta.date {
            let _ = writeln!(page, "date: {d}");
        }
        if !meta.tags.is_empty() {
            let _ = writeln!(page, "tags: [{}]", meta.tags.join(", "));
        }
        let _ = writeln!(page, "summary: {}", ys(&meta.summary));
        page.push_str("---\n");
        page.push_str(&hugo_body);
        page.push('\n');
        stats.write(Tree::Hugo, &h.join(&rel), &page)?;
    }
    Ok(())
}

/// Parsed command line.
struct Args {
    /// Number of entries.
    entries: usize,
    /// Seed.
    seed: u64,
    /// Output of the lode knowledge base.
    out: PathBuf,
    /// Output of the Hugo site, if wanted.
    hugo: Option<PathBuf>,
    /// Worker threads.
    threads: usize,
    /// Overwrite non-empty output directories.
    force: bool,
}

/// Parses the command line (`--flag value` or `--flag=value`). `Ok(None)` means `--help`.
fn parse_args(args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut entries = None;
    let mut seed = 1u64;
    let mut out = None;
    let mut hugo = None;
    let mut force = false;
    let mut threads = std::thread::available_parallelism().map_or(1, usize::from);
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--entries" => {
                let v = value("--entries")?;
                entries = Some(
                    v.parse()
                        .map_err(|_| format!("--entries: not a number: {v}"))?,
                );
            }
            "--seed" => {
                let v = value("--seed")?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed: not a number: {v}"))?;
            }
            "--threads" => {
                let v = value("--threads")?;
                threads = v
                    .parse()
                    .map_err(|_| format!("--threads: not a number: {v}"))?;
            }
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--hugo" => hugo = Some(PathBuf::from(value("--hugo")?)),
            "--force" => force = true,
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    let entries: usize = entries.ok_or("--entries is required")?;
    if entries < 8 {
        return Err("--entries must be at least 8 (one per kind)".into());
    }
    let out = out.ok_or("--out is required")?;
    Ok(Some(Args {
        entries,
        seed,
        out,
        hugo,
        threads: threads.max(1),
        force,
    }))
}

/// Generates everything; entries are written by `args.threads` workers pulling indices.
fn run(args: &Args) -> io::Result<()> {
    let started = Instant::now();
    prepare_dir(&args.out, args.force, &["content"])?;
    if let Some(h) = &args.hugo {
        prepare_dir(h, args.force, &["content", "layouts"])?;
    }
    let plan = make_plan(args.seed, args.entries);
    let planned = started.elapsed();
    let stats = Stats::default();
    write_fixed(&plan, args.entries, &args.out, args.hugo.as_deref(), &stats)?;
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let error: Mutex<Option<io::Error>> = Mutex::new(None);
    let n = plan.entries.len();
    std::thread::scope(|scope| {
        for _ in 0..args.threads {
            scope.spawn(|| {
                while !failed.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    if let Err(e) = write_entry(&plan, i, &args.out, args.hugo.as_deref(), &stats) {
                        failed.store(true, Ordering::Relaxed);
                        error
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .get_or_insert(e);
                    }
                    if n >= 20_000 && i > 0 && i.is_multiple_of(20_000) {
                        eprintln!("synth: {i}/{n} entries");
                    }
                }
            });
        }
    });
    if let Some(e) = error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    let secs = started.elapsed().as_secs_f64();
    let lode_bytes = stats.lode_bytes.load(Ordering::Relaxed);
    let per_kind: Vec<String> = Kind::ALL
        .iter()
        .map(|k| format!("{} {}", plan.of(*k).len(), k.section()))
        .collect();
    println!(
        "synth: {} entries ({}) + {} comparisons",
        n,
        per_kind.join(", "),
        plan.comparisons.len()
    );
    println!(
        "synth: lode tree {}: {} files, {} bytes ({:.1} MB, {:.1} KB per entry)",
        args.out.display(),
        stats.lode_files.load(Ordering::Relaxed),
        lode_bytes,
        lode_bytes as f64 / 1e6,
        lode_bytes as f64 / n as f64 / 1e3
    );
    if let Some(h) = &args.hugo {
        let hugo_bytes = stats.hugo_bytes.load(Ordering::Relaxed);
        println!(
            "synth: hugo tree {}: {} files, {} bytes ({:.1} MB)",
            h.display(),
            stats.hugo_files.load(Ordering::Relaxed),
            hugo_bytes,
            hugo_bytes as f64 / 1e6
        );
    }
    println!(
        "synth: {secs:.2} s ({:.2} s planning, {} threads)",
        planned.as_secs_f64(),
        args.threads
    );
    Ok(())
}

fn main() -> ExitCode {
    match parse_args(std::env::args().skip(1)) {
        Ok(None) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("synth: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Ok(Some(args)) => match run(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("synth: error: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
