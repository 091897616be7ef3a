//! PDFs laid out by typst: a template (`*.typ` beside this file, no words of its own) reads
//! its data, every label already rendered from the catalogue, as JSON from `/data.json`. Fonts
//! are Japanese TrueType fonts read once from the font folders (IPAex from Debian by default,
//! `NINTEI_PDF_FONTS`); typst-pdf embeds only the glyphs used (subsets). Nothing is fetched.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Serialize;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// The font folders searched when `NINTEI_PDF_FONTS` is unset (Debian's `fonts-ipaexfont`).
pub const DEFAULT_FONT_DIRS: &[&str] = &[
    "/usr/share/fonts/opentype/ipaexfont-gothic",
    "/usr/share/fonts/opentype/ipaexfont-mincho",
    "/usr/share/fonts/truetype/ipaexfont-gothic",
    "/usr/share/fonts/truetype/ipaexfont-mincho",
];

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// No usable font was found (an installation problem, said to the operator).
    #[error("no Japanese font in {0} (install Debian's fonts-ipaexfont or set NINTEI_PDF_FONTS)")]
    NoFonts(String),
    /// The template failed (a bug: the data and the template disagree).
    #[error("layout: {0}")]
    Layout(String),
}

/// The template sheets.
#[derive(Clone, Copy, Debug)]
pub enum Template {
    /// One page: the certificate of one certification.
    Certificate,
    /// The ledger, as many pages as it takes.
    Transcript,
    /// A session's attendance (the organizer's record), as many pages as it takes.
    Attendance,
}

impl Template {
    fn source(self) -> &'static str {
        match self {
            Template::Certificate => include_str!("certificate.typ"),
            Template::Transcript => include_str!("transcript.typ"),
            Template::Attendance => include_str!("attendance.typ"),
        }
    }
}

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();

/// The font folders of these settings.
pub fn font_dirs(setting: Option<&str>) -> Vec<PathBuf> {
    match setting {
        Some(s) if !s.trim().is_empty() => s.split(':').map(PathBuf::from).collect(),
        _ => DEFAULT_FONT_DIRS.iter().map(PathBuf::from).collect(),
    }
}

fn load_fonts(dirs: &[PathBuf]) -> Result<Fonts, String> {
    let mut fonts = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let is_font = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "ttf" | "otf" | "ttc"));
            if !is_font {
                continue;
            }
            if let Ok(data) = std::fs::read(&path) {
                fonts.extend(Font::iter(Bytes::new(data)));
            }
        }
    }
    if fonts.is_empty() {
        return Err(dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(":"));
    }
    Ok(Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    })
}

/// Reads the fonts now (at start-up), so that the first PDF does not pay for it and a missing
/// font is said in the log at once. Later calls return the first answer.
pub fn prepare(dirs: &[PathBuf]) -> Result<(), PdfError> {
    match FONTS.get_or_init(|| load_fonts(dirs)) {
        Ok(_) => Ok(()),
        Err(where_) => Err(PdfError::NoFonts(where_.clone())),
    }
}

struct Sheet {
    main: Source,
    data: Bytes,
    fonts: &'static Fonts,
    library: &'static LazyHash<Library>,
    today: Datetime,
}

fn file_id(path: &str) -> FileId {
    // The paths are this module's own constants.
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).unwrap_or_else(|_| unreachable!("a constant path")),
    )
    .intern()
}

impl World for Sheet {
    fn library(&self) -> &LazyHash<Library> {
        self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == file_id("/data.json") {
            Ok(self.data.clone())
        } else {
            Err(FileError::NotFound(Path::new("/").to_path_buf()))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// typst's diagnostics as one error.
fn layout_error(errors: &[typst::diag::SourceDiagnostic]) -> PdfError {
    PdfError::Layout(
        errors
            .iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; "),
    )
}

/// Lays out `template` with `data` and writes it as PDF (fonts embedded as subsets). `dirs`
/// are the font folders, read on the first call.
pub fn render<T: Serialize>(
    template: Template,
    data: &T,
    today: chrono::NaiveDate,
    dirs: &[PathBuf],
) -> Result<Vec<u8>, PdfError> {
    use chrono::Datelike;
    prepare(dirs)?;
    let Some(Ok(fonts)) = FONTS.get() else {
        return Err(PdfError::NoFonts(String::new()));
    };
    let json = serde_json::to_vec(data).map_err(|e| PdfError::Layout(e.to_string()))?;
    let sheet = Sheet {
        main: Source::new(file_id("/main.typ"), template.source().to_owned()),
        data: Bytes::new(json),
        fonts,
        library: LIBRARY.get_or_init(|| LazyHash::new(Library::default())),
        today: Datetime::from_ymd(
            today.year(),
            u8::try_from(today.month()).unwrap_or(1),
            u8::try_from(today.day()).unwrap_or(1),
        )
        .ok_or_else(|| PdfError::Layout(format!("date {today}")))?,
    };
    let document = typst::compile::<PagedDocument>(&sheet)
        .output
        .map_err(|e| layout_error(&e))?;
    let pdf =
        typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|e| layout_error(&e));
    // typst memoises layouts; a server lays out a different sheet each time, so keep the cache
    // small.
    typst::comemo::evict(2);
    pdf
}
