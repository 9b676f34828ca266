//! The stable code of every diagnostic (`L0401`), in one place.
//!
//! Codes are grouped by the stage that reports them: `L01xx` reading files and limits,
//! `L02xx` front matter, `L03xx` kind schemas (`_index.md`), `L04xx` an entry's fields,
//! `L05xx` links, `L06xx` comparisons, `L07xx` templates and rendering, `L08xx` configuration,
//! output and the build cache. A code, once published, keeps its meaning: a new problem gets
//! a new code, a retired code is never reused. Each is documented in `docs/errors.md`, which
//! `tests/integration/error_codes.rs` checks against [`Code::ALL`].

use serde::{Serialize, Serializer};

/// Declares [`Code`] with its text, whether content alone can trigger it, and [`Code::ALL`].
macro_rules! codes {
    ($($(#[doc = $doc:literal])+ $name:ident = $text:literal, $from_content:literal;)+) => {
        /// The stable code of a diagnostic; see `docs/errors.md` for each one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[doc = $doc])+ $name,)+
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$name,)+];

            /// The code as printed: `L0401`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $text,)+
                }
            }

            /// `false` for codes no knowledge base's files can trigger by their content (an
            /// I/O failure, a file edited mid-build): `docs/errors.md` says so instead of
            /// giving an example.
            pub fn triggered_by_content(self) -> bool {
                match self {
                    $(Code::$name => $from_content,)+
                }
            }
        }
    };
}

codes! {
    /// A file or folder cannot be read (an I/O error).
    FileUnreadable = "L0101", false;
    /// A file is not valid UTF-8.
    NotUtf8 = "L0102", true;
    /// A file changed while the site was being built, or vanished.
    FileChangedDuringBuild = "L0103", false;
    /// The content folder does not exist.
    ContentFolderMissing = "L0104", true;
    /// A folder or symbolic link leads outside the knowledge base.
    OutsideKnowledgeBase = "L0105", false;
    /// A broken symbolic link was skipped (warning).
    BrokenSymbolicLink = "L0106", false;
    /// A symbolic link loop.
    SymbolicLinkLoop = "L0107", false;
    /// An entry file is larger than `limits.entry_file_size`.
    FileTooLarge = "L0108", true;
    /// A code block is longer than the highlighting limit (warning).
    CodeBlockTooLong = "L0109", true;
    /// A title or alias is longer than `limits.name_length`.
    NameTooLong = "L0110", true;
    /// An entry has more tags than the limit.
    TooManyTags = "L0111", true;
    /// The file has no front matter, or it is not closed.
    NoFrontMatter = "L0201", true;
    /// The front matter is not valid YAML.
    InvalidYaml = "L0202", true;
    /// The front matter is not a mapping of `key: value` lines.
    FrontMatterNotMapping = "L0203", true;
    /// The front matter nests deeper than the limit.
    FrontMatterTooDeep = "L0204", true;
    /// A kind is declared by two `_index.md` files.
    KindDeclaredTwice = "L0301", true;
    /// A kind folder's name is not a valid kind name.
    FolderNameNotAKind = "L0302", true;
    /// A kind folder would take the address of a site page.
    FolderTakesSitePage = "L0303", true;
    /// An `_index.md` without `kind`.
    IndexWithoutKind = "L0304", true;
    /// `kind:` is not a valid kind name.
    InvalidKindName = "L0305", true;
    /// `kind:` names a built-in kind.
    BuiltInKind = "L0306", true;
    /// An unknown key in a schema.
    UnknownSchemaKey = "L0307", true;
    /// A schema value of the wrong type.
    SchemaValueWrongType = "L0308", true;
    /// A field without a type, or of an unknown type.
    UnknownFieldType = "L0309", true;
    /// A quantity field without a dimension, or with an unknown one.
    QuantityDimension = "L0310", true;
    /// An enum field without values.
    EnumWithoutValues = "L0311", true;
    /// A reference field without `to:`, or pointing at an unknown kind.
    ReferenceTarget = "L0312", true;
    /// A field's pattern is not a valid regular expression.
    InvalidPattern = "L0313", true;
    /// A field option that does not apply to the field's type.
    OptionNotForType = "L0314", true;
    /// An invalid field name, or a built-in field redeclared.
    InvalidFieldName = "L0315", true;
    /// A folder of entries without a kind (no `_index.md`).
    FolderWithoutKind = "L0316", true;
    /// A field the kind's schema does not declare.
    UnknownField = "L0401", true;
    /// A missing or empty `title`.
    MissingTitle = "L0402", true;
    /// An id that is not a valid id.
    InvalidId = "L0403", true;
    /// An id whose address is taken by a site page.
    AddressTaken = "L0404", true;
    /// A value of the wrong type.
    WrongType = "L0405", true;
    /// A tag that is not a valid tag.
    InvalidTag = "L0406", true;
    /// A date that cannot be read.
    InvalidDate = "L0407", true;
    /// A quantity that cannot be read: no value, no unit, an unknown unit.
    InvalidQuantity = "L0408", true;
    /// A required field is missing.
    MissingRequiredField = "L0409", true;
    /// A text that does not match its field's pattern.
    PatternMismatch = "L0410", true;
    /// A scheme that is not allowed, or an address that is not absolute, in a field.
    UnsafeAddressInField = "L0411", true;
    /// A value that is not one of an enum's values.
    NotAnEnumValue = "L0412", true;
    /// An unknown key inside a claim, an event or a comparison.
    UnknownKey = "L0413", true;
    /// A claim without a source (a warning unless `require_sources`).
    MissingSource = "L0414", true;
    /// An event that is not a mapping, or lacks a date or title.
    InvalidEvent = "L0415", true;
    /// `unit` on a claim of a field that is not a quantity.
    UnitNotForField = "L0416", true;
    /// Two entries with the same id.
    DuplicateId = "L0501", true;
    /// A reference to an id no entry has.
    UnknownId = "L0502", true;
    /// A reference to an entry of a kind the field does not accept.
    WrongTargetKind = "L0503", true;
    /// A body link to no entry, page or file.
    UnknownLinkTarget = "L0504", true;
    /// A body link to a heading the target does not have.
    UnknownHeading = "L0505", true;
    /// A body link with a scheme that is not allowed.
    UnsafeLink = "L0506", true;
    /// An unlinked mention of another entry's title (warning).
    UnlinkedMention = "L0507", true;
    /// Unlinked mentions could not be checked (warning).
    MentionsNotChecked = "L0508", false;
    /// An entry nothing links to and that links to nothing (warning).
    Orphan = "L0509", true;
    /// A comparison without `compare:`.
    MissingCompare = "L0601", true;
    /// A comparison naming both or neither of `kind:` and `entries:`.
    CompareKindOrEntries = "L0602", true;
    /// A comparison without `fields:`.
    CompareWithoutFields = "L0603", true;
    /// A comparison of an unknown kind.
    CompareUnknownKind = "L0604", true;
    /// A comparison of a field the kind does not have.
    CompareUnknownField = "L0605", true;
    /// A comparison column mixing dimensions.
    CompareMixedDimensions = "L0606", true;
    /// A chart of a column that is not numeric, or not among the fields.
    CompareChart = "L0607", true;
    /// A template does not compile.
    TemplateDoesNotCompile = "L0701", true;
    /// A page failed to render.
    RenderFailed = "L0702", true;
    /// An output file could not be produced (serialising or storing it).
    OutputFailed = "L0703", false;
    /// An invalid `lode.yaml`.
    InvalidConfig = "L0801", true;
    /// A note about the output folder (warning).
    OutputNote = "L0802", false;
    /// The build cache cannot be read or written (warning).
    BuildCache = "L0803", false;
}

impl std::fmt::Display for Code {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_in_order() {
        let texts: Vec<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
        let mut sorted = texts.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(texts, sorted);
    }
}
