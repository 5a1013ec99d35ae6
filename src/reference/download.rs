//! Fetching one reference file into a folder: from a URL (resuming a partial `.part` with an HTTP Range request), a local mirror, or a paged ArcGIS feature service; then checking its SHA-256 against the pinned one.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sha2::{Digest, Sha256};

use super::sources::{Origin, SourceFile};
use crate::error::{Error, Location, Result};

/// Features asked for per page of a feature service (ArcGIS services send at most their own maximum).
const PAGE_SIZE: u64 = 2_000;

/// What became of one file.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub path: PathBuf,
    pub bytes: u64,
    pub sha256: String,
    /// Where it came from (a URL or a path).
    pub from: String,
    /// Already in the folder with the right checksum: nothing transferred.
    pub already_there: bool,
    /// Bytes reused from an earlier, interrupted transfer.
    pub resumed_from: u64,
    /// The checksum matched a pinned one.
    pub verified: bool,
}

/// How to fetch.
pub struct Fetcher {
    agent: ureq::Agent,
    pub verify: bool,
    pub quiet: bool,
}

/// Why a file could not be had from a source.
#[derive(Debug)]
pub enum FetchError {
    /// The source does not have it (HTTP 404, or no such file in the mirror).
    NotThere,
    Failed(Error),
}

impl From<Error> for FetchError {
    fn from(e: Error) -> Self {
        FetchError::Failed(e)
    }
}

/// The file as already fetched into `target`, if it is there and matches its pinned checksum.
fn already_there(
    origin: &Origin,
    file: &SourceFile,
    target: &Path,
) -> std::result::Result<Option<Fetched>, FetchError> {
    if !target.is_file() {
        return Ok(None);
    }
    let sha256 = sha256_of(target)?;
    if !file.sha256.as_deref().is_none_or(|pin| pin.eq_ignore_ascii_case(&sha256)) {
        return Ok(None);
    }
    let bytes = target.metadata().map_err(|e| Error::io(target, e))?.len();
    Ok(Some(Fetched {
        path: target.to_path_buf(),
        bytes,
        sha256,
        from: origin.to_string(),
        already_there: true,
        resumed_from: 0,
        verified: file.sha256.is_some(),
    }))
}

impl Fetcher {
    pub fn new(verify: bool, quiet: bool) -> Fetcher {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(30)))
            .user_agent(concat!("anchormap/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Fetcher { agent, verify, quiet }
    }

    /// Fails with a clear message when a web mirror cannot be reached at all.
    pub fn check_reachable(&self, origin: &Origin) -> std::result::Result<(), FetchError> {
        match origin {
            Origin::WebFolder(base) => {
                self.agent.head(&format!("{base}/")).call().map(|_| ()).map_err(|e| unreachable(base, e))
            }
            _ => Ok(()),
        }
    }

    /// Whether `origin` has `file` (without fetching it).
    pub fn has(&self, origin: &Origin, file: &SourceFile) -> bool {
        match origin {
            Origin::Publishers => file.from_publishers(),
            Origin::Folder(dir) => dir.join(&file.name).is_file(),
            Origin::WebFolder(base) => {
                let url = format!("{base}/{}", file.name);
                self.agent.head(&url).call().is_ok_and(|r| r.status().is_success())
            }
        }
    }

    /// Fetches `file` from `origin` into `dir`.
    pub fn fetch(&self, origin: &Origin, file: &SourceFile, dir: &Path) -> std::result::Result<Fetched, FetchError> {
        // The source list is checked when read; checked again here, where the writing happens.
        if let Err(why) = crate::reference::sources::check_file_name(&file.name) {
            return Err(FetchError::Failed(Error::invalid(
                Location::file(dir),
                format!("file name '{}' {why}", file.name),
            )));
        }
        let target = dir.join(&file.name);
        let part = dir.join(format!("{}.part", file.name));
        if let Some(already) = already_there(origin, file, &target)? {
            return Ok(already);
        }
        let (from, resumed_from) = self.transfer(origin, file, &part)?;
        let sha256 = sha256_of(&part)?;
        let verified = match &file.sha256 {
            Some(pin) if pin.eq_ignore_ascii_case(&sha256) => true,
            Some(pin) if self.verify => {
                let _ = std::fs::remove_file(&part);
                return Err(FetchError::Failed(Error::invalid(
                    Location::file(&target),
                    format!(
                        "checksum mismatch: SHA-256 {sha256}, expected {pin} (from {from}); the download is damaged \
                         or the publisher has released a new version: check it, then update the source list or use --no-verify"
                    ),
                )));
            }
            _ => false,
        };
        if let Some(expected) = file.features {
            if file.service.is_some() && matches!(origin, Origin::Publishers) {
                let got = count_features(&part)?;
                if got != expected {
                    let _ = std::fs::remove_file(&part);
                    return Err(FetchError::Failed(Error::invalid(
                        Location::file(&target),
                        format!("the service gave {got} features, expected {expected}"),
                    )));
                }
            }
        }
        std::fs::rename(&part, &target).map_err(|e| Error::io(&target, e))?;
        let bytes = target.metadata().map_err(|e| Error::io(&target, e))?.len();
        Ok(Fetched { path: target, bytes, sha256, from, already_there: false, resumed_from, verified })
    }

    /// Downloads or copies `file` from `origin` to `part`; where from, and the byte it resumed at.
    fn transfer(
        &self,
        origin: &Origin,
        file: &SourceFile,
        part: &Path,
    ) -> std::result::Result<(String, u64), FetchError> {
        Ok(match origin {
            Origin::Publishers => match (&file.url, &file.service) {
                (Some(url), _) => (url.clone(), self.download(url, part, file)?),
                (None, Some(service)) => (service.clone(), self.query_pages(service, part, file)?),
                (None, None) => return Err(FetchError::NotThere),
            },
            Origin::Folder(mirror) => {
                let source = mirror.join(&file.name);
                if !source.is_file() {
                    return Err(FetchError::NotThere);
                }
                (source.display().to_string(), self.copy(&source, part, file)?)
            }
            Origin::WebFolder(base) => {
                let url = format!("{base}/{}", file.name);
                (url.clone(), self.download(&url, part, file)?)
            }
        })
    }

    fn bar(&self, name: &str, total: Option<u64>, done: u64) -> ProgressBar {
        let target = if self.quiet { ProgressDrawTarget::hidden() } else { ProgressDrawTarget::stderr() };
        let bar = ProgressBar::with_draw_target(total, target);
        let template = if total.is_some() {
            "{msg:40!} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})"
        } else {
            "{msg:40!} {bytes} ({bytes_per_sec})"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(name.to_string());
        bar.set_position(done);
        bar
    }

    /// Copies from a local mirror, continuing a partial copy.
    fn copy(&self, source: &Path, part: &Path, file: &SourceFile) -> Result<u64> {
        let total = source.metadata().map_err(|e| Error::io(source, e))?.len();
        let done = part.metadata().map(|m| m.len()).unwrap_or(0).min(total);
        let mut input = File::open(source).map_err(|e| Error::io(source, e))?;
        input.seek(SeekFrom::Start(done)).map_err(|e| Error::io(source, e))?;
        let mut output = open_part(part, done)?;
        let bar = self.bar(&file.name, Some(total), done);
        std::io::copy(&mut bar.wrap_read(input), &mut output).map_err(|e| Error::io(part, e))?;
        bar.finish_and_clear();
        Ok(done)
    }

    /// Downloads a URL, asking only for the rest when an interrupted `.part` is there.
    fn download(&self, url: &str, part: &Path, file: &SourceFile) -> std::result::Result<u64, FetchError> {
        let done = part.metadata().map(|m| m.len()).unwrap_or(0);
        let mut request = self.agent.get(url).header("Accept-Encoding", "identity");
        if done > 0 {
            request = request.header("Range", format!("bytes={done}-"));
        }
        let response = request.call().map_err(|e| unreachable(url, e))?;
        let status = response.status().as_u16();
        let length = response.body().content_length();
        let (start, total) = match status {
            206 => (done, length.map(|l| l + done)),
            200 => (0, length),
            416 if done > 0 => return Ok(done), // the part is already whole; the checksum decides
            404 | 410 => return Err(FetchError::NotThere),
            _ => {
                return Err(FetchError::Failed(Error::invalid(
                    Location::file(Path::new(url)),
                    format!("the server answered HTTP {status}"),
                )))
            }
        };
        let mut output = open_part(part, start)?;
        let bar = self.bar(&file.name, total, start);
        let reader = response.into_body().into_reader();
        std::io::copy(&mut bar.wrap_read(reader), &mut output).map_err(|e| {
            Error::invalid(
                Location::file(Path::new(url)),
                format!("the download broke off ({e}); run fetch again to resume"),
            )
        })?;
        bar.finish_and_clear();
        Ok(start)
    }

    /// Queries a feature service page by page and joins the pages into one GeoJSON FeatureCollection.
    fn query_pages(&self, service: &str, part: &Path, file: &SourceFile) -> std::result::Result<u64, FetchError> {
        let fields = file.fields.as_deref().unwrap_or("*");
        let order = fields.split(',').next().unwrap_or("FID");
        let mut output = open_part(part, 0)?;
        let bar = self.bar(&file.name, file.features, 0);
        let write_err = |e: std::io::Error| FetchError::Failed(Error::io(part, e));
        output.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n").map_err(write_err)?;
        let mut offset = 0u64;
        loop {
            let url = format!(
                "{service}?where=1%3D1&outFields={fields}&outSR=4326&f=geojson&orderByFields={order}&resultOffset={offset}&resultRecordCount={PAGE_SIZE}"
            );
            let response = self.agent.get(&url).call().map_err(|e| unreachable(service, e))?;
            let status = response.status().as_u16();
            if status == 404 {
                return Err(FetchError::NotThere);
            }
            let text = response
                .into_body()
                .with_config()
                .limit(1 << 30)
                .read_to_string()
                .map_err(|e| unreachable(service, e))?;
            let page: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                FetchError::Failed(Error::invalid(
                    Location::file(Path::new(&url)),
                    format!("HTTP {status}, not GeoJSON: {e}"),
                ))
            })?;
            if let Some(message) = page.get("error").and_then(|e| e.get("message")) {
                return Err(FetchError::Failed(Error::invalid(
                    Location::file(Path::new(service)),
                    format!("the service said: {message}"),
                )));
            }
            let features = page.get("features").and_then(|f| f.as_array()).map(Vec::as_slice).unwrap_or_default();
            for feature in features {
                if offset > 0 {
                    output.write_all(b",\n").map_err(write_err)?;
                }
                serde_json::to_writer(&mut output, feature).map_err(|e| write_err(e.into()))?;
                offset += 1;
            }
            bar.set_position(offset);
            let more = [
                page.get("exceededTransferLimit"),
                page.get("properties").and_then(|p| p.get("exceededTransferLimit")),
            ]
            .into_iter()
            .flatten()
            .any(|v| v.as_bool() == Some(true));
            if features.is_empty() || !more {
                break;
            }
        }
        output.write_all(b"\n]}\n").map_err(write_err)?;
        bar.finish_and_clear();
        Ok(0)
    }
}

/// Opens `.part` to continue at `start` (0: afresh).
fn open_part(part: &Path, start: u64) -> Result<File> {
    let mut file =
        OpenOptions::new().create(true).write(true).truncate(false).open(part).map_err(|e| Error::io(part, e))?;
    file.set_len(start).map_err(|e| Error::io(part, e))?;
    file.seek(SeekFrom::Start(start)).map_err(|e| Error::io(part, e))?;
    Ok(file)
}

/// The lower-case hex SHA-256 of a file.
pub fn sha256_of(path: &Path) -> Result<String> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn count_features(path: &Path) -> Result<u64> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let collection: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Error::invalid(Location::file(path), format!("not JSON: {e}")))?;
    Ok(collection.get("features").and_then(|f| f.as_array()).map_or(0, |f| f.len() as u64))
}

/// A transfer error in one line, saying plainly when the network cannot be reached.
fn unreachable(url: &str, err: ureq::Error) -> FetchError {
    let host = url.split("://").nth(1).and_then(|rest| rest.split(['/', '?']).next()).unwrap_or(url);
    // Errors before any answer: no route, no name lookup, refused, timed out.
    let offline = matches!(
        err,
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed | ureq::Error::Timeout(_) | ureq::Error::Io(_)
    );
    let message = if offline {
        format!(
            "cannot reach {host} ({err}): is this machine offline? Fetch on a machine with a network and copy the folder, \
             or use --from DIR_OR_URL with a local mirror"
        )
    } else {
        format!("{err}")
    };
    FetchError::Failed(Error::invalid(Location::file(Path::new(url)), message))
}
